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
        return success(fields, null);
    }

    /** A success envelope with this RequestId, or a random one when it is null. */
    static Reply.Envelope success(Fields fields, String requestId) {
        return new Reply.Envelope(write(fields, requestId), null);
    }

    static Reply.Envelope error(ApiFailure failure) {
        return error(failure.code(), failure.getMessage(), null);
    }

    /** An error envelope with this RequestId, or a random one when it is null. */
    static Reply.Envelope error(String code, String message, String requestId) {
        return new Reply.Envelope(write(json -> {
            json.writeObjectPropertyStart("Error");
            json.writeStringProperty("Code", code);
            json.writeStringProperty("Message", message);
            json.writeEndObject();
        }, requestId), code);
    }

    /** The first half of a success envelope: what a client sees when a response is cut short. */
    static byte[] truncated() {
        byte[] whole = write(json -> json.writeNumberProperty("AsyncRequestId", TaskBook.FIRST_ID), null);
        return Arrays.copyOf(whole, whole.length / 2);
    }

    private static byte[] write(Fields fields, String requestId) {
        return JsonOutput.bytes(json -> {
            json.writeStartObject();
            json.writeObjectPropertyStart("Response");
            fields.write(json);
            json.writeStringProperty("RequestId", requestId == null ? RequestIds.next() : requestId);
            json.writeEndObject();
            json.writeEndObject();
        });
    }
}
