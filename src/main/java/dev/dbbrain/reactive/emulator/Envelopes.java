package dev.dbbrain.reactive.emulator;

import dev.dbbrain.reactive.internal.JsonOutput;
import java.util.Arrays;
import tools.jackson.core.JsonGenerator;

/**
 * Builds the service's response envelope: {@code {"Response":{...fields...,"RequestId":"<uuid>"}}} on success,
 * {@code {"Response":{"Error":{"Code":..,"Message":..},"RequestId":"<uuid>"}}} on error.
 */
final class Envelopes {

    private Envelopes() {
    }

    /** The fields of one action's answer, written into the {@code Response} object before its RequestId. */
    @FunctionalInterface
    interface Fields {
        void write(JsonGenerator json);
    }

    static Reply.Envelope success(Fields fields) {
        return new Reply.Envelope(write(fields), null);
    }

    static Reply.Envelope error(ApiFailure failure) {
        return new Reply.Envelope(write(json -> {
            json.writeObjectPropertyStart("Error");
            json.writeStringProperty("Code", failure.code());
            json.writeStringProperty("Message", failure.getMessage());
            json.writeEndObject();
        }), failure.code());
    }

    /** The first half of a success envelope: what a client sees when a response is cut short. */
    static byte[] truncated() {
        byte[] whole = write(json -> json.writeNumberProperty("AsyncRequestId", TaskBook.FIRST_ID));
        return Arrays.copyOf(whole, whole.length / 2);
    }

    private static byte[] write(Fields fields) {
        return JsonOutput.bytes(json -> {
            json.writeStartObject();
            json.writeObjectPropertyStart("Response");
            fields.write(json);
            json.writeStringProperty("RequestId", RequestIds.next());
            json.writeEndObject();
            json.writeEndObject();
        });
    }
}
