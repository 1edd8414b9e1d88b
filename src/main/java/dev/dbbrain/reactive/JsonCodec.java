package dev.dbbrain.reactive;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes requests and reads responses of the two actions. Pure: bytes in, records or typed exceptions out.
 *
 * <p>Reading is bounded before it starts: Jackson's stream read constraints cap nesting depth, number length and
 * document size, so a hostile body ends in {@link DbbrainDecodingException}, never a stack overflow or an
 * out-of-memory. Fields the API documents as always present are read leniently when absent (empty lists, zero,
 * {@link TaskStatus#UNKNOWN}); a field present with the wrong JSON type is an error. Unknown fields are ignored.
 */
final class JsonCodec {

    private static final int MAX_NESTING_DEPTH = 32;
    private static final int MAX_NUMBER_LENGTH = 40;
    /**
     * Tokens allowed per byte of the size cap. A real TaskInfo costs about 40 tokens in 500 bytes (0.08/byte); a
     * hostile {@code [{},{},…]} costs 0.67/byte and would turn 4 MiB into millions of tree nodes. A quarter of a
     * token per byte leaves real answers three times the room they need and bounds the tree to about 1 M nodes.
     */
    private static final int BYTES_PER_TOKEN = 4;

    private final JsonMapper mapper;
    private final ZoneId serverZone;

    JsonCodec(int maxDocumentBytes, ZoneId serverZone) {
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .maxStringLength(maxDocumentBytes)
                .maxDocumentLength(maxDocumentBytes)
                .maxTokenCount(Math.max(10_000, maxDocumentBytes / BYTES_PER_TOKEN))
                .build();
        this.mapper = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        this.serverZone = serverZone;
    }

    byte[] encode(CreateProxySessionKillTaskRequest request) {
        ObjectNode body = mapper.createObjectNode();
        body.put("InstanceId", request.instanceId());
        body.put("Product", request.product());
        if (request.instanceProxyId() != null) {
            body.put("InstanceProxyId", request.instanceProxyId());
        }
        return mapper.writeValueAsBytes(body);
    }

    byte[] encode(DescribeProxySessionKillTasksRequest request) {
        ObjectNode body = mapper.createObjectNode();
        body.put("InstanceId", request.instanceId());
        ArrayNode ids = body.putArray("AsyncRequestIds");
        request.asyncRequestIds().forEach(ids::add);
        body.put("Product", request.product());
        return mapper.writeValueAsBytes(body);
    }

    CreateProxySessionKillTaskResponse decodeCreate(byte[] body) {
        Reading r = new Reading(ApiAction.CREATE.actionName());
        JsonNode response = r.response(body);
        long id = r.requiredLong(response, "AsyncRequestId");
        return new CreateProxySessionKillTaskResponse(id, r.requestIdOrEmpty());
    }

    DescribeProxySessionKillTasksResponse decodeDescribe(byte[] body) {
        Reading r = new Reading(ApiAction.DESCRIBE.actionName());
        JsonNode response = r.response(body);
        JsonNode tasksNode = response.get("Tasks");
        List<TaskInfo> tasks = new ArrayList<>();
        if (tasksNode != null && !tasksNode.isNull()) {
            if (!tasksNode.isArray()) {
                throw r.fail("Tasks is not an array");
            }
            for (JsonNode task : tasksNode) {
                tasks.add(r.taskInfo(task));
            }
        }
        long total = r.optionalLong(response, "TotalCount", tasks.size());
        return new DescribeProxySessionKillTasksResponse(tasks, total, r.requestIdOrEmpty());
    }

    /**
     * Reads the envelope of another action, such as STS {@code AssumeRole}: its {@code Response} object, or that
     * action's {@link DbbrainApiException} / {@link DbbrainDecodingException}, bounded like every response.
     */
    JsonNode response(String action, byte[] body) {
        return new Reading(action).response(body);
    }

    /** Reads a JSON document that is not an API envelope (CVM metadata), bounded likewise; null if not JSON. */
    JsonNode tree(byte[] body) {
        try {
            return mapper.readTree(body);
        } catch (JacksonException e) {
            return null;
        }
    }

    /**
     * Reads a time in either documented format: ISO-8601 with an offset, or {@code yyyy-MM-dd HH:mm:ss} (and ISO
     * without offset) in the server's zone. Empty, zero and unparseable values give empty: a cosmetic field never
     * fails a whole response.
     */
    static Optional<Instant> parseTime(String raw, ZoneId zone) {
        String text = raw == null ? "" : raw.trim();
        if (text.isEmpty() || text.startsWith("0000-00-00")) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException notOffset) {
            try {
                return Optional.of(LocalDateTime.parse(text.replace(' ', 'T')).atZone(zone).toInstant());
            } catch (DateTimeParseException notLocal) {
                return Optional.empty();
            }
        }
    }

    /** The state of decoding one response: the action and, once read, the RequestId for error messages. */
    private final class Reading {
        private final String action;
        private String requestId;

        Reading(String action) {
            this.action = action;
        }

        JsonNode response(byte[] body) {
            if (body.length == 0) {
                throw fail("empty body");
            }
            JsonNode root;
            try {
                root = mapper.readTree(body);
            } catch (JacksonException e) {
                throw new DbbrainDecodingException(action, "not valid JSON (" + brief(e) + ")", null, e);
            }
            if (root == null || !root.isObject()) {
                throw fail("not a JSON object");
            }
            JsonNode response = root.get("Response");
            if (response == null || !response.isObject()) {
                throw fail("no Response object");
            }
            JsonNode id = response.get("RequestId");
            if (id != null && id.isString()) {
                requestId = id.stringValue();
            }
            JsonNode error = response.get("Error");
            if (error != null && !error.isNull()) {
                throw apiError(error);
            }
            return response;
        }

        private RuntimeException apiError(JsonNode error) {
            JsonNode code = error.isObject() ? error.get("Code") : null;
            if (code == null || !code.isString() || code.stringValue().isBlank()) {
                return fail("Error without a Code");
            }
            JsonNode message = error.get("Message");
            String text = message != null && message.isString() ? message.stringValue() : "";
            return new DbbrainApiException(action, code.stringValue(), text, requestId);
        }

        TaskInfo taskInfo(JsonNode task) {
            if (!task.isObject()) {
                throw fail("Tasks contains a " + task.getNodeType() + " instead of an object");
            }
            String rawStatus = optionalString(task, "TaskStatus");
            return new TaskInfo(
                    requiredLong(task, "AsyncRequestId"),
                    optionalString(task, "InstanceId"),
                    TaskStatus.fromWire(rawStatus),
                    rawStatus,
                    optionalLong(task, "Progress", 0),
                    stringList(task, "InstProxyList"),
                    optionalLong(task, "InstProxyCount", 0),
                    stringList(task, "FinishedProxyList"),
                    stringList(task, "FailedProxyList"),
                    time(task, "CreateTime"),
                    time(task, "StartTime"),
                    time(task, "EndTime"));
        }

        long requiredLong(JsonNode parent, String field) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                throw fail("missing " + field);
            }
            return toLong(node, field);
        }

        long optionalLong(JsonNode parent, String field, long absent) {
            JsonNode node = parent.get(field);
            return node == null || node.isNull() ? absent : toLong(node, field);
        }

        private long toLong(JsonNode node, String field) {
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return node.longValue();
            }
            if (node.isFloatingPointNumber() && node.canConvertToLong()) {
                return (long) node.doubleValue();
            }
            if (node.isString()) {
                try {
                    return Long.parseLong(node.stringValue().trim());
                } catch (NumberFormatException e) {
                    // fall through to the type error
                }
            }
            throw fail(field + " is not a 64-bit integer");
        }

        String optionalString(JsonNode parent, String field) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                return "";
            }
            if (!node.isString()) {
                throw fail(field + " is not a string");
            }
            return node.stringValue();
        }

        List<String> stringList(JsonNode parent, String field) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                return List.of();
            }
            if (!node.isArray()) {
                throw fail(field + " is not an array");
            }
            List<String> values = new ArrayList<>(node.size());
            for (JsonNode element : node) {
                if (element.isNull()) {
                    continue;
                }
                if (!element.isString()) {
                    throw fail(field + " contains a non-string element");
                }
                values.add(element.stringValue());
            }
            return values;
        }

        Optional<Instant> time(JsonNode parent, String field) {
            JsonNode node = parent.get(field);
            return node != null && node.isString() ? parseTime(node.stringValue(), serverZone) : Optional.empty();
        }

        String requestIdOrEmpty() {
            return requestId == null ? "" : requestId;
        }

        DbbrainDecodingException fail(String problem) {
            return new DbbrainDecodingException(action, problem, requestId, null);
        }
    }

    /** Jackson's message without location details, capped, so a hostile body is never echoed at length. */
    private static String brief(JacksonException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }
}
