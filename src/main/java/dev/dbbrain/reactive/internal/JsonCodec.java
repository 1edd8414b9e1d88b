package dev.dbbrain.reactive.internal;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.CreateProxySessionKillTaskResponse;
import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DbbrainDecodingException;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksRequest;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksResponse;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes requests and reads responses of the two actions. Pure: bytes in, records or typed exceptions out.
 *
 * <p>Reading is bounded before it starts: Jackson's stream read constraints cap nesting depth, number length,
 * token count and document size, the body is read as a token stream (unknown fields are skipped, never built),
 * and what the records hold is counted against a budget of three times the size cap. So a hostile body ends in
 * {@link DbbrainDecodingException}, never a stack overflow or an out-of-memory, and decoding allocates a small
 * multiple of the cap whatever the body (measured in {@code ResponseDecoderPropertiesTest}). Fields the API
 * documents as always present are read leniently when absent (empty lists, zero, {@link TaskStatus#UNKNOWN}); a
 * field present with the wrong JSON type is an error. Unknown fields are ignored. Server-chosen strings that end
 * up in exception messages (RequestId, error code and message) are cut to a sane length.
 */
public final class JsonCodec {

    private static final int MAX_NESTING_DEPTH = 32;
    private static final int MAX_NUMBER_LENGTH = 40;
    /**
     * Tokens allowed per byte of the size cap. A real TaskInfo costs about 40 tokens in 500 bytes (0.08/byte); a
     * hostile {@code [{},{},…]} costs 0.67/byte. A quarter of a token per byte leaves real answers three times the
     * room they need and bounds the work of skipping what this client does not read.
     */
    private static final int BYTES_PER_TOKEN = 4;
    /** RequestIds and error codes are UUIDs and dotted names; longer ones are cut in what this client keeps. */
    private static final int MAX_ID_CHARS = 128;
    private static final int MAX_MESSAGE_CHARS = 2048;

    /**
     * What the records of one response may hold, estimated, as a multiple of the size cap. Every short string costs
     * a Java object of some 48 bytes: 1 M of {@code "a",} fit in 4 MiB and would take 70 MB. Real answers (40-char
     * proxy IDs, a dozen fields per task) hold about 1.2 times their size.
     */
    private static final int DECODED_PER_BODY_BYTE = 3;
    private static final int STRING_COST = 48;
    private static final int TASK_COST = 160;

    private final JsonMapper mapper;
    private final ZoneId serverZone;
    private final long decodedBudget;

    public JsonCodec(int maxDocumentBytes, ZoneId serverZone) {
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .maxStringLength(maxDocumentBytes)
                .maxDocumentLength(maxDocumentBytes)
                .maxTokenCount(Math.max(10_000, maxDocumentBytes / BYTES_PER_TOKEN))
                .build();
        // Property names are not canonicalized: a hostile body of unique names would fill the symbol table, and the
        // names read here are a dozen short ones.
        this.mapper = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints)
                        .disable(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.serverZone = serverZone;
        this.decodedBudget = (long) DECODED_PER_BODY_BYTE * maxDocumentBytes;
    }

    public byte[] encode(CreateProxySessionKillTaskRequest request) {
        ObjectNode body = mapper.createObjectNode();
        body.put("InstanceId", request.instanceId());
        body.put("Product", request.product());
        if (request.instanceProxyId() != null) {
            body.put("InstanceProxyId", request.instanceProxyId());
        }
        return mapper.writeValueAsBytes(body);
    }

    public byte[] encode(DescribeProxySessionKillTasksRequest request) {
        ObjectNode body = mapper.createObjectNode();
        body.put("InstanceId", request.instanceId());
        ArrayNode ids = body.putArray("AsyncRequestIds");
        request.asyncRequestIds().forEach(ids::add);
        body.put("Product", request.product());
        return mapper.writeValueAsBytes(body);
    }

    public CreateProxySessionKillTaskResponse decodeCreate(byte[] body) {
        Reading r = new Reading("CreateProxySessionKillTask");
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

    public DescribeProxySessionKillTasksResponse decodeDescribe(byte[] body) {
        Reading r = new Reading("DescribeProxySessionKillTasks");
        List<TaskInfo> tasks = new ArrayList<>();
        Long[] total = new Long[1];
        r.read(body, (field, p) -> {
            if (field.equals("Tasks")) {
                r.tasks(p, tasks);
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

    /**
     * Reads the envelope of another action, such as STS {@code AssumeRole}: its {@code Response} object, or that
     * action's {@link DbbrainApiException} / {@link DbbrainDecodingException}, bounded like every response. The
     * envelope is read like the two actions' (an {@code Error} wins, the RequestId is kept); only the fields of the
     * {@code Response} become a tree, for answers small enough to have one.
     */
    public JsonNode response(String action, byte[] body) {
        Reading r = new Reading(action);
        ObjectNode response = mapper.createObjectNode();
        ObjectReader subtree = mapper.readerFor(JsonNode.class)
                .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        r.read(body, (field, p) -> {
            response.set(field, subtree.<JsonNode>readValue(p));
            return true;
        });
        if (r.requestId != null) {
            response.put("RequestId", r.requestId);
        }
        return response;
    }

    /** Reads a JSON document that is not an API envelope (CVM metadata), bounded likewise; null if not JSON. */
    public JsonNode tree(byte[] body) {
        try {
            return mapper.readTree(body);
        } catch (JacksonException e) {
            return null;
        }
    }

    /**
     * Reads a time in either documented format: ISO-8601 with an offset ({@code Z} or {@code ±HH:MM}), or
     * {@code yyyy-MM-dd HH:mm:ss} (and ISO without offset) in the server's zone, seconds optionally with a fraction.
     * Empty, zero and unparseable values give empty: a cosmetic field never fails a whole response.
     *
     * <p>Read by hand, not with {@code java.time}'s parsers: those allocate a few kilobytes per value and throw for
     * each bad one, so a hostile body of 100,000 bad times would cost hundreds of megabytes of garbage.
     */
    public static Optional<Instant> parseTime(String raw, ZoneId zone) {
        String t = raw == null ? "" : raw.trim();
        if (t.length() < 19 || t.length() > 40 || t.charAt(4) != '-' || t.charAt(7) != '-'
                || (t.charAt(10) != 'T' && t.charAt(10) != ' ') || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return Optional.empty();
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > YearMonth.of(year, month).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return Optional.empty();
        }
        int i = 19;
        int nanos = 0;
        if (i < t.length() && t.charAt(i) == '.') {
            int start = ++i;
            while (i < t.length() && Character.isDigit(t.charAt(i)) && i - start < 9) {
                nanos = nanos * 10 + (t.charAt(i++) - '0');
            }
            if (i == start) {
                return Optional.empty();
            }
            for (int scale = i - start; scale < 9; scale++) {
                nanos *= 10;
            }
        }
        LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, second, nanos);
        String offset = t.substring(i);
        if (offset.isEmpty()) {
            return Optional.of(local.atZone(zone).toInstant());
        }
        if (offset.equals("Z") || offset.equals("z")) {
            return Optional.of(local.toInstant(ZoneOffset.UTC));
        }
        int hours = offset.length() == 6 && offset.charAt(3) == ':' ? digits(offset, 1, 2) : -1;
        int minutes = hours < 0 ? -1 : digits(offset, 4, 2);
        if ((offset.charAt(0) != '+' && offset.charAt(0) != '-') || hours < 0 || hours > 18 || minutes < 0
                || minutes > 59) {
            return Optional.empty();
        }
        int seconds = (hours * 3600 + minutes * 60) * (offset.charAt(0) == '-' ? -1 : 1);
        return Optional.of(local.toInstant(ZoneOffset.ofTotalSeconds(seconds)));
    }

    /** The decimal number in {@code count} characters at {@code from}, or -1 if any is not a digit. */
    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Reads the fields of one action's {@code Response}; returns false for a field it does not know. */
    @FunctionalInterface
    private interface ActionFields {
        boolean read(String field, JsonParser parser);
    }

    /**
     * The state of decoding one response: the action and, once read, the RequestId for error messages.
     *
     * <p>The body is read as a stream of tokens, never as a tree: a field this client does not use is skipped
     * without building anything, and a field it uses becomes the record it is for at once. So what a response costs
     * in memory is the records it yields, not the size of whatever a hostile server put in it. A field of the wrong
     * type is noted and skipped, and reported once the whole envelope is read: an {@code Error} anywhere in it wins,
     * and the RequestId (usually the last field) makes it into the message.
     */
    private final class Reading {
        private final String action;
        private String requestId;
        private String problem;
        private boolean errorPresent;
        private String errorCode;
        private String errorMessage = "";
        private long decoded;

        Reading(String action) {
            this.action = action;
        }

        void read(byte[] body, ActionFields fields) {
            if (body.length == 0) {
                throw fail("empty body");
            }
            try (JsonParser p = mapper.createParser(body)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw fail("not a JSON object");
                }
                boolean response = false;
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if (name.equals("Response")) {
                        if (value != JsonToken.START_OBJECT) {
                            throw fail("no Response object");
                        }
                        response(p, fields);
                        response = true;
                    } else {
                        p.skipChildren();
                    }
                }
                if (p.nextToken() != null) {
                    throw fail("not valid JSON (content after the end of the object)");
                }
                if (!response) {
                    throw fail("no Response object");
                }
            } catch (JacksonException e) {
                throw new DbbrainDecodingException(action, "not valid JSON (" + brief(e) + ")", requestId, e);
            }
            if (errorPresent) {
                throw apiError();
            }
            if (problem != null) {
                throw fail(problem);
            }
        }

        private void response(JsonParser p, ActionFields fields) {
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("RequestId")) {
                    if (value == JsonToken.VALUE_STRING) {
                        requestId = cut(p.getString(), MAX_ID_CHARS);
                    } else {
                        p.skipChildren();
                    }
                } else if (name.equals("Error")) {
                    error(p, value);
                } else if (!fields.read(name, p)) {
                    p.skipChildren();
                }
            }
        }

        private void error(JsonParser p, JsonToken value) {
            if (value == JsonToken.VALUE_NULL) {
                return;
            }
            errorPresent = true;
            if (value != JsonToken.START_OBJECT) {
                p.skipChildren();
                return;
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken token = p.nextToken();
                if (name.equals("Code") && token == JsonToken.VALUE_STRING) {
                    errorCode = cut(p.getString(), MAX_ID_CHARS);
                } else if (name.equals("Message") && token == JsonToken.VALUE_STRING) {
                    errorMessage = cut(p.getString(), MAX_MESSAGE_CHARS);
                } else {
                    p.skipChildren();
                }
            }
        }

        private RuntimeException apiError() {
            if (errorCode == null || errorCode.isBlank()) {
                return fail("Error without a Code");
            }
            return new DbbrainApiException(action, errorCode, errorMessage, requestId);
        }

        void tasks(JsonParser p, List<TaskInfo> tasks) {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_NULL) {
                return;
            }
            if (token != JsonToken.START_ARRAY) {
                problem("Tasks is not an array");
                p.skipChildren();
                return;
            }
            while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
                if (token != JsonToken.START_OBJECT) {
                    problem("Tasks contains " + kind(token) + " instead of an object");
                    p.skipChildren();
                } else {
                    TaskInfo task = taskInfo(p);
                    if (problem == null) {
                        tasks.add(task);
                    }
                }
            }
        }

        private TaskInfo taskInfo(JsonParser p) {
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
                    case "AsyncRequestId" -> id = longOrNull(p, field);
                    case "InstanceId" -> instanceId = string(p, field);
                    case "TaskStatus" -> rawStatus = string(p, field);
                    case "Progress" -> progress = longOr(p, field, 0);
                    case "InstProxyCount" -> proxyCount = longOr(p, field, 0);
                    case "InstProxyList" -> proxies = strings(p, field);
                    case "FinishedProxyList" -> finished = strings(p, field);
                    case "FailedProxyList" -> failed = strings(p, field);
                    case "CreateTime" -> created = time(p);
                    case "StartTime" -> started = time(p);
                    case "EndTime" -> ended = time(p);
                    default -> p.skipChildren();
                }
            }
            if (id == null) {
                problem("missing AsyncRequestId");
                return null;
            }
            charge(TASK_COST);
            return new TaskInfo(id, instanceId, rawStatus, progress, proxies,
                    proxyCount, finished, failed, created, started, ended);
        }

        /** A 64-bit integer (also written as a string or an integral float), or null for JSON null. */
        Long longOrNull(JsonParser p, String field) {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_NULL) {
                return null;
            }
            if (token == JsonToken.VALUE_NUMBER_INT) {
                JsonParser.NumberType type = p.getNumberType();
                if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
                    return p.getLongValue();
                }
            } else if (token == JsonToken.VALUE_NUMBER_FLOAT) {
                double d = p.getDoubleValue();
                if (d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
                    return (long) d;
                }
            } else if (token == JsonToken.VALUE_STRING) {
                try {
                    return Long.parseLong(p.getString().trim());
                } catch (NumberFormatException e) {
                    // falls through to the type problem
                }
            } else {
                p.skipChildren();
            }
            problem(field + " is not a 64-bit integer");
            return null;
        }

        private long longOr(JsonParser p, String field, long absent) {
            Long value = longOrNull(p, field);
            return value == null ? absent : value;
        }

        private String string(JsonParser p, String field) {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_STRING) {
                return charged(p.getString());
            }
            if (token != JsonToken.VALUE_NULL) {
                problem(field + " is not a string");
                p.skipChildren();
            }
            return "";
        }

        private List<String> strings(JsonParser p, String field) {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_NULL) {
                return List.of();
            }
            if (token != JsonToken.START_ARRAY) {
                problem(field + " is not an array");
                p.skipChildren();
                return List.of();
            }
            List<String> values = new ArrayList<>();
            while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
                if (token == JsonToken.VALUE_STRING) {
                    values.add(charged(p.getString()));
                } else if (token != JsonToken.VALUE_NULL) {
                    problem(field + " contains a non-string element");
                    p.skipChildren();
                }
            }
            return values;
        }

        /** A time field; any other type reads as no time, like an unparseable string. */
        private Optional<Instant> time(JsonParser p) {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return parseTime(p.getString(), serverZone);
            }
            p.skipChildren();
            return Optional.empty();
        }

        private String charged(String value) {
            charge(STRING_COST + value.length());
            return value;
        }

        /**
         * Counts what the records built so far hold and stops reading past the budget: a token budget alone still
         * lets a body of tiny strings cost twenty times its size.
         */
        private void charge(long bytes) {
            decoded += bytes;
            if (decoded > decodedBudget) {
                throw fail("its content would take more than " + decodedBudget + " bytes of memory");
            }
        }

        private void problem(String what) {
            if (problem == null) {
                problem = what;
            }
        }

        String requestIdOrEmpty() {
            return requestId == null ? "" : requestId;
        }

        DbbrainDecodingException fail(String problem) {
            return new DbbrainDecodingException(action, problem, requestId, null);
        }
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

    /** A server-chosen string that goes into exception messages, cut so that it cannot flood a log. */
    private static String cut(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max) + "…";
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
