package dev.dbbrain.reactive.emulator;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Flattens a JSON request body into the {@code name=value} pairs the API uses for form bodies and query strings
 * ({@code AsyncRequestIds.0=7}, {@code Tags.0.Key=k}), for the record of a request: every scalar as its text, a
 * JSON {@code null} left out, in body order. Unlike {@link BodyParameters} it checks nothing; a body that is not one
 * JSON object gives no pairs. The parser's default limits (nesting depth, number and string length) bound the work.
 */
final class JsonFlattener {

    private JsonFlattener() {
    }

    /** The pairs of a body that is one JSON object; an empty (modifiable) map for anything else. */
    static Map<String, String> flatten(byte[] json) {
        Map<String, String> pairs = new LinkedHashMap<>();
        try (JsonParser p = Json.parser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new LinkedHashMap<>();
            }
            object(p, "", pairs);
            if (p.nextToken() != null) {
                return new LinkedHashMap<>();
            }
        } catch (JacksonException notJson) {
            return new LinkedHashMap<>();
        }
        return pairs;
    }

    /** Reads an object whose START_OBJECT is the current token, to its END_OBJECT. */
    private static void object(JsonParser p, String prefix, Map<String, String> pairs) {
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = prefix + p.currentName();
            p.nextToken();
            value(p, name, pairs);
        }
    }

    private static void value(JsonParser p, String name, Map<String, String> pairs) {
        JsonToken token = p.currentToken();
        if (token == JsonToken.START_OBJECT) {
            object(p, name + '.', pairs);
        } else if (token == JsonToken.START_ARRAY) {
            int index = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                value(p, name + '.' + index++, pairs);
            }
        } else if (token != JsonToken.VALUE_NULL) {
            pairs.put(name, p.getString());
        }
    }
}
