package dev.dbbrain.reactive.emulator;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the service's response envelope: {@code {"Response":{...fields...,"RequestId":"<uuid>"}}} on success,
 * {@code {"Response":{"Error":{"Code":..,"Message":..},"RequestId":"<uuid>"}}} on error.
 */
final class Envelopes {

    private Envelopes() {
    }

    /** A fresh object to put the action's response fields in. */
    static ObjectNode fields() {
        return Json.MAPPER.createObjectNode();
    }

    static Reply.Envelope success(ObjectNode fields) {
        return new Reply.Envelope(write(fields), null);
    }

    static Reply.Envelope error(ApiFailure failure) {
        ObjectNode fields = fields();
        ObjectNode error = fields.putObject("Error");
        error.put("Code", failure.code());
        error.put("Message", failure.getMessage());
        return new Reply.Envelope(write(fields), failure.code());
    }

    /** The first half of a success envelope: what a client sees when a response is cut short. */
    static byte[] truncated() {
        byte[] whole = write(fields().put("AsyncRequestId", TaskBook.FIRST_ID));
        return Arrays.copyOf(whole, whole.length / 2);
    }

    private static byte[] write(ObjectNode fields) {
        fields.put("RequestId", RequestIds.next());
        ObjectNode envelope = Json.MAPPER.createObjectNode();
        envelope.set("Response", fields);
        return Json.MAPPER.writeValueAsString(envelope).getBytes(StandardCharsets.UTF_8);
    }
}
