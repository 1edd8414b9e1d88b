package dev.dbbrain.reactive.emulator;

import java.util.List;
import java.util.Set;

/**
 * The fields of a JSON request body (TC3 with POST) seen as {@link CallParameters}: a thin adapter, so that the
 * JSON reading stays in {@link BodyParameters} alone.
 */
final class JsonCallParameters implements CallParameters {

    private final BodyParameters body;

    private JsonCallParameters(BodyParameters body) {
        this.body = body;
    }

    /** Parses a body that must be one JSON object, or fails with {@code InvalidParameter}. */
    static CallParameters parse(byte[] json) {
        return new JsonCallParameters(BodyParameters.parse(json));
    }

    @Override
    public void allowOnly(Set<String> allowed) {
        body.allowOnly(allowed);
    }

    @Override
    public String requiredString(String name) {
        return body.requiredString(name);
    }

    @Override
    public String optionalString(String name) {
        return body.optionalString(name);
    }

    @Override
    public Long optionalLong(String name) {
        return body.optionalLong(name);
    }

    @Override
    public List<Long> requiredLongArray(String name) {
        return body.requiredLongArray(name);
    }
}
