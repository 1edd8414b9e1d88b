package dev.dbbrain.reactive.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The JSON object of a request body, read field by field with the service's error codes: a missing required field
 * is {@code MissingParameter}, a wrong JSON type {@code InvalidParameter}, an unexpected field
 * {@code UnknownParameter}, each naming the field. A JSON {@code null} counts as absent.
 */
final class BodyParameters {

    private final JsonNode object;

    private BodyParameters(JsonNode object) {
        this.object = object;
    }

    /** Parses a body that must be one JSON object, or fails with {@code InvalidParameter}. */
    static BodyParameters parse(byte[] body) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw ApiFailure.invalidParameter("The request body is not valid JSON: it must be one JSON object.");
        }
        if (node == null || !node.isObject()) {
            throw ApiFailure.invalidParameter("The request body must be a JSON object.");
        }
        return new BodyParameters(node);
    }

    /** Fails with {@code UnknownParameter} naming the first field (in body order) not in {@code allowed}. */
    void allowOnly(Set<String> allowed) {
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            if (!allowed.contains(field.getKey())) {
                throw ApiFailure.unknownParameter(field.getKey());
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
        JsonNode value = present(name);
        if (value == null) {
            return null;
        }
        if (!value.isString()) {
            throw ApiFailure.invalidType(name, "String");
        }
        return value.stringValue();
    }

    /** The value of an integer field, or null when absent. */
    Long optionalLong(String name) {
        JsonNode value = present(name);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiFailure.invalidType(name, "Integer");
        }
        return value.longValue();
    }

    /** A non-empty array of 64-bit integers; an empty array is as good as missing. */
    List<Long> requiredLongArray(String name) {
        JsonNode value = present(name);
        if (value == null) {
            throw ApiFailure.missingParameter(name);
        }
        if (!value.isArray()) {
            throw ApiFailure.invalidType(name, "Array of Integer");
        }
        if (value.isEmpty()) {
            throw ApiFailure.missingParameter(name);
        }
        List<Long> longs = new ArrayList<>(value.size());
        for (JsonNode element : value.values()) {
            if (!element.isIntegralNumber() || !element.canConvertToLong()) {
                throw ApiFailure.invalidType(name, "Array of Integer");
            }
            longs.add(element.longValue());
        }
        return longs;
    }

    private JsonNode present(String name) {
        JsonNode value = object.get(name);
        return value == null || value.isNull() ? null : value;
    }
}
