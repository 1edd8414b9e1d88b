package dev.dbbrain.reactive.emulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * The JSON object of a request body, read field by field with the service's error codes: a missing required field
 * is {@code MissingParameter}, a wrong JSON type {@code InvalidParameter}, an unexpected field
 * {@code UnknownParameter}, each naming the field. A JSON {@code null} counts as absent.
 */
final class BodyParameters {

    /** A value that no parameter accepts: a float, a big integer, a boolean, an object, an array of anything else. */
    private enum Other { VALUE }

    /**
     * The fields in body order: a {@code String}, a {@code Long} (a JSON integer of 64 bits), a {@code List<Long>}
     * (an array of such integers), {@link Other}, or null for JSON null.
     */
    private final Map<String, Object> object;

    private BodyParameters(Map<String, Object> object) {
        this.object = object;
    }

    /**
     * Parses a body that must be one JSON object, or fails with {@code InvalidParameter}: the whole body is read
     * first (duplicate names and content after the object are not valid JSON), then its shape is checked.
     */
    static BodyParameters parse(byte[] body) {
        Map<String, Object> fields;
        try (JsonParser p = Json.parser(body)) {
            fields = object(p);
        } catch (JacksonException e) {
            throw notJson();
        }
        if (fields == null) {
            throw ApiFailure.invalidParameter("The request body must be a JSON object.");
        }
        return new BodyParameters(fields);
    }

    /** The fields of the body's one JSON value if it is an object; null if it is another value, or nothing. */
    private static Map<String, Object> object(JsonParser p) {
        JsonToken first = p.nextToken();
        if (first == null) {
            return null;
        }
        Map<String, Object> fields = null;
        if (first == JsonToken.START_OBJECT) {
            fields = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                p.nextToken();
                fields.put(name, value(p));
            }
        } else {
            p.skipChildren();
        }
        if (p.nextToken() != null) {
            throw notJson();
        }
        return fields;
    }

    private static ApiFailure notJson() {
        return ApiFailure.invalidParameter("The request body is not valid JSON: it must be one JSON object.");
    }

    /** The value at the parser's current token, read to its end. */
    private static Object value(JsonParser p) {
        switch (p.currentToken()) {
            case VALUE_STRING:
                return p.getString();
            case VALUE_NULL:
                return null;
            case VALUE_NUMBER_INT:
                return int64(p);
            case START_ARRAY:
                List<Long> longs = new ArrayList<>();
                Object result = longs;
                for (JsonToken token = p.nextToken(); token != JsonToken.END_ARRAY; token = p.nextToken()) {
                    Object element = token == JsonToken.VALUE_NUMBER_INT ? int64(p) : Other.VALUE;
                    if (element instanceof Long value) {
                        longs.add(value);
                    } else {
                        p.skipChildren();
                        result = Other.VALUE;
                    }
                }
                return result;
            default:
                p.skipChildren();
                return Other.VALUE;
        }
    }

    private static Object int64(JsonParser p) {
        JsonParser.NumberType type = p.getNumberType();
        return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG ? p.getLongValue() : Other.VALUE;
    }

    /** Fails with {@code UnknownParameter} naming the first field (in body order) not in {@code allowed}. */
    void allowOnly(Set<String> allowed) {
        for (String field : object.keySet()) {
            if (!allowed.contains(field)) {
                throw ApiFailure.unknownParameter(field);
            }
        }
    }

    String requiredString(String name) {
        String value = optionalString(name);
        if (value == null) {
            throw ApiFailure.missingParameter(name);
        }
        return value;
    }

    /** The string value of a field, or null when absent. */
    String optionalString(String name) {
        Object value = object.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String string)) {
            throw ApiFailure.invalidType(name, "String");
        }
        return string;
    }

    /** The value of an integer field, or null when absent. */
    Long optionalLong(String name) {
        Object value = object.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Long integer)) {
            throw ApiFailure.invalidType(name, "Integer");
        }
        return integer;
    }

    /** A non-empty array of 64-bit integers; an empty array is as good as missing. */
    List<Long> requiredLongArray(String name) {
        Object value = object.get(name);
        if (value == null) {
            throw ApiFailure.missingParameter(name);
        }
        if (!(value instanceof List<?> list)) {
            throw ApiFailure.invalidType(name, "Array of Integer");
        }
        if (list.isEmpty()) {
            throw ApiFailure.missingParameter(name);
        }
        List<Long> longs = new ArrayList<>(list.size());
        for (Object element : list) {
            longs.add((Long) element);
        }
        return longs;
    }
}
