package dev.dbbrain.reactive.internal;

import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DbbrainDecodingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;

/**
 * Reads the envelope every Tencent Cloud API answer comes in, {@code {"Response":{…,"RequestId":"…"}}} or
 * {@code {"Response":{"Error":{"Code","Message"},"RequestId":"…"}}}, hardened for hostile servers; an action's own
 * fields are read by the caller, straight from the token stream.
 *
 * <p>The body is parsed by a {@link BoundedJson} parser (depth, number length, document size and token count bounded
 * before it starts) as a stream of tokens, never as a tree: a field the caller does not read is skipped without
 * building anything, and one it reads becomes the value it is for at once. What the values hold is counted against
 * a budget of three times the size cap ({@link Reading#charge}), so what an answer costs in memory is a small
 * multiple of the cap whatever a server put in it. A field of the wrong type is noted ({@link Reading#problem}) and
 * reported once the whole envelope is read: an {@code Error} anywhere in it wins, and the RequestId (usually the
 * last field) makes it into the message. Server-chosen strings that end up in exception messages (RequestId, error
 * code and message) are cut to a sane length. Every failure is a {@link DbbrainDecodingException} or, for an
 * {@code Error} with a code, a {@link DbbrainApiException}, both naming the action.
 */
public final class EnvelopeReader {

    /** RequestIds and error codes are UUIDs and dotted names; longer ones are cut in what this client keeps. */
    private static final int MAX_ID_CHARS = 128;
    /** What Jackson's messages quote: text of the body (left out) or a JSON literal it expected (kept). */
    private static final Pattern QUOTED = Pattern.compile("'[^']{2,}'");
    private static final Set<String> LITERALS = Set.of("'null'", "'true'", "'false'");
    private static final int MAX_MESSAGE_CHARS = 2048;
    /**
     * What the values of one answer may hold, estimated, as a multiple of the size cap. Every short string costs
     * a Java object of some 48 bytes: 1 M of {@code "a",} fit in 4 MiB and would take 70 MB. Real answers (40-char
     * proxy IDs, a dozen fields per task) hold about 1.2 times their size.
     */
    private static final int DECODED_PER_BODY_BYTE = 3;
    private static final int STRING_COST = 48;

    private final BoundedJson json;
    private final long decodedBudget;

    /** A reader of answers of at most {@code maxDocumentBytes}. */
    public EnvelopeReader(int maxDocumentBytes) {
        this.json = new BoundedJson(maxDocumentBytes);
        this.decodedBudget = (long) DECODED_PER_BODY_BYTE * maxDocumentBytes;
    }

    /** The state of reading one answer of {@code action}, whose name every exception carries. */
    public Reading reading(String action) {
        return new Reading(action);
    }

    /** Reads the fields of one action's {@code Response}, other than {@code RequestId} and {@code Error}. */
    @FunctionalInterface
    public interface Fields {
        /**
         * Reads the value of {@code field}, at the parser's current token, to its end; or returns false, having
         * read nothing, for a field the action does not know (it is then skipped).
         */
        boolean read(String field, JsonParser parser);
    }

    /** Reading one answer: the action, the RequestId once read, the first problem seen and the memory charged. */
    public final class Reading {
        private final String action;
        private String requestId;
        private String problem;
        private boolean errorPresent;
        private String errorCode;
        private String errorMessage = "";
        private long decoded;

        private Reading(String action) {
            this.action = action;
        }

        /**
         * Reads {@code body}, handing each field of its {@code Response} to {@code fields}; throws the answer's
         * {@link DbbrainApiException} if it carries an {@code Error}, else a {@link DbbrainDecodingException} for
         * the first problem found.
         */
        public void read(byte[] body, Fields fields) {
            if (body.length == 0) {
                throw fail("empty body");
            }
            try (JsonParser p = json.parser(body)) {
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
                // Not chained: Jackson's own message quotes the text it choked on, which may be a secret a server
                // answered without its opening quote ({"TmpSecretKey":abc…"}); what it says is kept, redacted.
                throw new DbbrainDecodingException(action, "not valid JSON (" + brief(e) + ")", requestId, null);
            }
            if (errorPresent) {
                throw apiError();
            }
            if (problem != null) {
                throw fail(problem);
            }
        }

        private void response(JsonParser p, Fields fields) {
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

        /** A 64-bit integer (also written as a string or an integral float), or null for JSON null. */
        public Long longOrNull(JsonParser p, String field) {
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

        /** {@link #longOrNull}, with {@code absent} for JSON null or a problem. */
        public long longOr(JsonParser p, String field, long absent) {
            Long value = longOrNull(p, field);
            return value == null ? absent : value;
        }

        /** A string, charged; empty for JSON null or a problem. */
        public String string(JsonParser p, String field) {
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

        /** An array of strings, each charged, JSON nulls left out; empty for JSON null or a problem. */
        public List<String> strings(JsonParser p, String field) {
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

        private String charged(String value) {
            charge(STRING_COST + value.length());
            return value;
        }

        /**
         * Counts {@code bytes} more of what the values read so far hold, and stops reading past the budget: a token
         * budget alone still lets a body of tiny strings cost twenty times its size.
         */
        public void charge(long bytes) {
            decoded += bytes;
            if (decoded > decodedBudget) {
                throw fail("its content would take more than " + decodedBudget + " bytes of memory");
            }
        }

        /** Notes what is wrong with the answer; the first problem is reported once the envelope is read. */
        public void problem(String what) {
            if (problem == null) {
                problem = what;
            }
        }

        /** Whether a problem has been noted. */
        public boolean hasProblem() {
            return problem != null;
        }

        /** The answer's RequestId, cut, once read; null before or without one. */
        public String requestId() {
            return requestId;
        }

        /** The answer's RequestId, or empty. */
        public String requestIdOrEmpty() {
            return requestId == null ? "" : requestId;
        }

        /** A decoding error of this answer, with its RequestId if read. */
        public DbbrainDecodingException fail(String problem) {
            return new DbbrainDecodingException(action, problem, requestId, null);
        }
    }

    /** A server-chosen string that goes into exception messages, cut so that it cannot flood a log. */
    private static String cut(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max) + "…";
    }

    /**
     * Jackson's message without location details, capped, with the text it quotes from the body left out (an
     * unrecognized token may be a secret whose opening quote is missing), and where in the body it stopped.
     */
    static String brief(JacksonException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            message = e.getClass().getSimpleName();
        }
        message = QUOTED.matcher(message).replaceAll(m -> LITERALS.contains(m.group()) ? m.group() : "'…'");
        if (message.length() > 200) {
            message = message.substring(0, 200) + "…";
        }
        TokenStreamLocation where = e.getLocation();
        long offset = where == null ? -1 : where.getByteOffset() >= 0 ? where.getByteOffset() : where.getCharOffset();
        return offset < 0 ? message : message + ", at offset " + offset;
    }
}
