package dev.dbbrain.reactive;

import dev.dbbrain.reactive.internal.EnvelopeReader;
import dev.dbbrain.reactive.internal.JsonOutput;
import dev.dbbrain.reactive.internal.ServiceTime;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Writes the requests and reads the answers of the two actions. Pure: bytes in, records or typed exceptions out.
 *
 * <p>Requests are written with jackson-core's generator. Answers are read by the shared
 * {@link EnvelopeReader}: a stream of tokens under bounded stream read constraints, never a tree, an {@code Error}
 * anywhere winning and the RequestId kept for messages; each {@link TaskInfo} is built straight from the tokens and
 * charged against the reader's memory budget. So a hostile body ends in {@link DbbrainDecodingException}, never a
 * stack overflow or an out-of-memory, and decoding allocates a small multiple of the size cap whatever the body
 * (measured in {@code ResponseDecoderPropertiesTest}). Fields the API documents as always present are read
 * leniently when absent (empty lists, zero, {@link TaskStatus#UNKNOWN}); a field present with the wrong JSON type is
 * an error. Unknown fields are skipped unread.
 */
final class JsonCodec {

    /** What one TaskInfo record costs beyond its strings, in the reader's memory budget. */
    private static final int TASK_COST = 160;

    private final EnvelopeReader envelopes;
    private final ZoneId serverZone;

    JsonCodec(int maxDocumentBytes, ZoneId serverZone) {
        this.envelopes = new EnvelopeReader(maxDocumentBytes);
        this.serverZone = serverZone;
    }

    byte[] encode(CreateProxySessionKillTaskRequest request) {
        return JsonOutput.bytes(json -> {
            json.writeStartObject();
            json.writeStringProperty("InstanceId", request.instanceId());
            json.writeStringProperty("Product", request.product());
            if (request.instanceProxyId() != null) {
                json.writeStringProperty("InstanceProxyId", request.instanceProxyId());
            }
            json.writeEndObject();
        });
    }

    byte[] encode(DescribeProxySessionKillTasksRequest request) {
        return JsonOutput.bytes(json -> {
            json.writeStartObject();
            json.writeStringProperty("InstanceId", request.instanceId());
            json.writeArrayPropertyStart("AsyncRequestIds");
            for (long id : request.asyncRequestIds()) {
                json.writeNumber(id);
            }
            json.writeEndArray();
            json.writeStringProperty("Product", request.product());
            json.writeEndObject();
        });
    }

    /**
     * States written as the service's DescribeProxySessionKillTasks answer, times as ISO-8601 instants: how a replica
     * publishes a state to its fleet, which reads it back with {@link #decodeDescribe} as it reads the service.
     */
    byte[] encodeDescribeAnswer(List<TaskInfo> tasks, String requestId) {
        return JsonOutput.bytes(json -> {
            json.writeStartObject();
            json.writeObjectPropertyStart("Response");
            json.writeArrayPropertyStart("Tasks");
            for (TaskInfo task : tasks) {
                json.writeStartObject();
                json.writeNumberProperty("AsyncRequestId", task.asyncRequestId());
                json.writeStringProperty("InstanceId", task.instanceId());
                json.writeStringProperty("TaskStatus", task.status());
                json.writeNumberProperty("Progress", task.progress());
                strings(json, "InstProxyList", task.instProxyList());
                json.writeNumberProperty("InstProxyCount", task.instProxyCount());
                strings(json, "FinishedProxyList", task.finishedProxyList());
                strings(json, "FailedProxyList", task.failedProxyList());
                json.writeStringProperty("CreateTime", task.createTime().map(Instant::toString).orElse(""));
                json.writeStringProperty("StartTime", task.startTime().map(Instant::toString).orElse(""));
                json.writeStringProperty("EndTime", task.endTime().map(Instant::toString).orElse(""));
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeNumberProperty("TotalCount", tasks.size());
            json.writeStringProperty("RequestId", requestId);
            json.writeEndObject();
            json.writeEndObject();
        });
    }

    private static void strings(JsonGenerator json, String name, List<String> values) {
        json.writeArrayPropertyStart(name);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    CreateProxySessionKillTaskResponse decodeCreate(byte[] body) {
        EnvelopeReader.Reading r = envelopes.reading(ApiAction.CREATE.actionName());
        Long[] id = new Long[1];
        r.read(body, (field, p) -> {
            if (!field.equals("AsyncRequestId")) {
                return false;
            }
            id[0] = r.longOrNull(p, field);
            return true;
        });
        if (id[0] == null) {
            throw r.fail("missing AsyncRequestId");
        }
        return new CreateProxySessionKillTaskResponse(id[0], r.requestIdOrEmpty());
    }

    DescribeProxySessionKillTasksResponse decodeDescribe(byte[] body) {
        EnvelopeReader.Reading r = envelopes.reading(ApiAction.DESCRIBE.actionName());
        List<TaskInfo> tasks = new ArrayList<>();
        Long[] total = new Long[1];
        r.read(body, (field, p) -> {
            if (field.equals("Tasks")) {
                tasks(r, p, tasks);
                return true;
            }
            if (field.equals("TotalCount")) {
                total[0] = r.longOrNull(p, field);
                return true;
            }
            return false;
        });
        return new DescribeProxySessionKillTasksResponse(tasks, total[0] == null ? tasks.size() : total[0],
                r.requestIdOrEmpty());
    }

    private void tasks(EnvelopeReader.Reading r, JsonParser p, List<TaskInfo> tasks) {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return;
        }
        if (token != JsonToken.START_ARRAY) {
            r.problem("Tasks is not an array");
            p.skipChildren();
            return;
        }
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.START_OBJECT) {
                r.problem("Tasks contains " + kind(token) + " instead of an object");
                p.skipChildren();
            } else {
                TaskInfo task = taskInfo(r, p);
                if (!r.hasProblem()) {
                    tasks.add(task);
                }
            }
        }
    }

    private TaskInfo taskInfo(EnvelopeReader.Reading r, JsonParser p) {
        Long id = null;
        String instanceId = "";
        String rawStatus = "";
        long progress = 0;
        long proxyCount = 0;
        List<String> proxies = List.of();
        List<String> finished = List.of();
        List<String> failed = List.of();
        Optional<Instant> created = Optional.empty();
        Optional<Instant> started = Optional.empty();
        Optional<Instant> ended = Optional.empty();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "AsyncRequestId" -> id = r.longOrNull(p, field);
                case "InstanceId" -> instanceId = r.string(p, field);
                case "TaskStatus" -> rawStatus = r.string(p, field);
                case "Progress" -> progress = r.longOr(p, field, 0);
                case "InstProxyCount" -> proxyCount = r.longOr(p, field, 0);
                case "InstProxyList" -> proxies = r.strings(p, field);
                case "FinishedProxyList" -> finished = r.strings(p, field);
                case "FailedProxyList" -> failed = r.strings(p, field);
                case "CreateTime" -> created = time(p);
                case "StartTime" -> started = time(p);
                case "EndTime" -> ended = time(p);
                default -> p.skipChildren();
            }
        }
        if (id == null) {
            r.problem("missing AsyncRequestId");
            return null;
        }
        r.charge(TASK_COST);
        return new TaskInfo(id, instanceId, rawStatus, progress, proxies,
                proxyCount, finished, failed, created, started, ended);
    }

    /** A time field; any other type reads as no time, like an unparseable string. */
    private Optional<Instant> time(JsonParser p) {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            return ServiceTime.parse(p.getString(), serverZone);
        }
        p.skipChildren();
        return Optional.empty();
    }

    private static String kind(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "a null";
            default -> "a " + token;
        };
    }
}
