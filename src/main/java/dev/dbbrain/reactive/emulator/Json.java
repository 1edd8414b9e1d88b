package dev.dbbrain.reactive.emulator;

import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * The emulator's JSON parsers: jackson-core with its default stream read constraints (depth, number and string
 * length), strict about duplicate names. Thread-safe. Answers are written with {@code internal.JsonOutput}.
 */
final class Json {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {
    }

    /** A parser over the whole of {@code body}; the caller closes it. */
    static JsonParser parser(byte[] body) {
        return FACTORY.createParser(body);
    }
}
