package dev.dbbrain.reactive.internal;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

/**
 * Writes small JSON documents (request bodies, the emulator's answers, the CLI's JSON lines) with jackson-core's
 * generator and its default settings: compact, fields in the order written, non-ASCII characters as they are.
 */
public final class JsonOutput {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private JsonOutput() {
    }

    /** The document {@code writer} writes, as UTF-8 bytes. */
    public static byte[] bytes(Consumer<JsonGenerator> writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            writer.accept(json);
        }
        return out.toByteArray();
    }

    /** The document {@code writer} writes, as a string. */
    public static String string(Consumer<JsonGenerator> writer) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            writer.accept(json);
        }
        return out.toString();
    }
}
