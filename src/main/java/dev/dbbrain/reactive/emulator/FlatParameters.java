package dev.dbbrain.reactive.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An action's fields as the API flattens them into {@code name=value} pairs for a form body or a query string
 * (signature v1, and TC3 with GET): a scalar is {@code InstanceId=crs-1}, an array {@code AsyncRequestIds.0=1&}
 * {@code AsyncRequestIds.1=2} (indices from 0, without gaps), an object inside one {@code Tags.0.Key=k}.
 * Values are strings on the wire, so an integer field is one that parses as a 64-bit integer.
 */
final class FlatParameters implements CallParameters {

    private final Map<String, String> values;

    FlatParameters(Map<String, String> values) {
        this.values = values;
    }

    @Override
    public void allowOnly(Set<String> allowed) {
        for (String name : values.keySet()) {
            int dot = name.indexOf('.');
            if (!allowed.contains(dot < 0 ? name : name.substring(0, dot))) {
                throw ApiFailure.unknownParameter(name);
            }
        }
    }

    @Override
    public String requiredString(String name) {
        String value = optionalString(name);
        if (value == null) {
            throw ApiFailure.missingParameter(name);
        }
        return value;
    }

    @Override
    public String optionalString(String name) {
        return scalar(name, "String");
    }

    @Override
    public Long optionalLong(String name) {
        String value = scalar(name, "Integer");
        if (value == null) {
            return null;
        }
        return parseLong(value, name, "Integer");
    }

    @Override
    public List<Long> requiredLongArray(String name) {
        String type = "Array of Integer";
        if (values.containsKey(name)) {
            throw ApiFailure.invalidType(name, type);
        }
        TreeMap<Integer, String> elements = new TreeMap<>();
        String prefix = name + '.';
        for (Map.Entry<String, String> entry : values.entrySet()) {
            if (entry.getKey().startsWith(prefix)) {
                elements.put(index(entry.getKey().substring(prefix.length()), name, type), entry.getValue());
            }
        }
        if (elements.isEmpty()) {
            throw ApiFailure.missingParameter(name);
        }
        if (elements.lastKey() != elements.size() - 1) {
            throw ApiFailure.invalidParameter("The elements of parameter `" + name + "` must be numbered "
                    + name + ".0, " + name + ".1 and so on, without gaps.");
        }
        List<Long> longs = new ArrayList<>(elements.size());
        for (String value : elements.values()) {
            longs.add(parseLong(value, name, type));
        }
        return longs;
    }

    /** The value of a scalar field, or null; an array or object sent under its name is the wrong type. */
    private String scalar(String name, String type) {
        String prefix = name + '.';
        for (String key : values.keySet()) {
            if (key.startsWith(prefix)) {
                throw ApiFailure.invalidType(name, type);
            }
        }
        return values.get(name);
    }

    private static int index(String suffix, String name, String type) {
        if (suffix.isEmpty() || suffix.length() > 9 || !suffix.chars().allMatch(c -> c >= '0' && c <= '9')
                || (suffix.length() > 1 && suffix.charAt(0) == '0')) {
            // Not a plain index: an element that is itself an object (AsyncRequestIds.0.X) or a malformed name.
            throw ApiFailure.invalidType(name, type);
        }
        return Integer.parseInt(suffix);
    }

    private static long parseLong(String value, String name, String type) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiFailure.invalidType(name, type);
        }
    }
}
