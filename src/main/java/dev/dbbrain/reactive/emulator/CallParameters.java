package dev.dbbrain.reactive.emulator;

import java.util.List;
import java.util.Set;

/**
 * The fields of an action's request, read with the service's error codes whatever their encoding: a JSON body
 * ({@link BodyParameters}) or the flattened {@code name=value} pairs of a form body or query string
 * ({@link FlatParameters}). A missing required field is {@code MissingParameter}, a value of the wrong type
 * {@code InvalidParameter}, an unexpected field {@code UnknownParameter}, each naming the field.
 */
interface CallParameters {

    /** Fails with {@code UnknownParameter} naming the first field (in request order) not in {@code allowed}. */
    void allowOnly(Set<String> allowed);

    /** The string value of a field that must be present. */
    String requiredString(String name);

    /** The string value of a field, or null when absent. */
    String optionalString(String name);

    /** The value of an integer field, or null when absent. */
    Long optionalLong(String name);

    /** A non-empty array of 64-bit integers; an empty array is as good as missing. */
    List<Long> requiredLongArray(String name);
}
