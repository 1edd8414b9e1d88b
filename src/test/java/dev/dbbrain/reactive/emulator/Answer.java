package dev.dbbrain.reactive.emulator;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One HTTP answer as a raw client saw it. */
record Answer(int status, HttpHeaders headers, byte[] body) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    JsonNode json() {
        return JSON.readTree(body);
    }

    /** The {@code Response} object of the envelope. */
    JsonNode response() {
        return json().get("Response");
    }

    /** The error code of the envelope, or null for a success. */
    String errorCode() {
        JsonNode error = response().get("Error");
        return error == null ? null : error.get("Code").stringValue();
    }

    String errorMessage() {
        return response().get("Error").get("Message").stringValue();
    }

    @Override
    public String toString() {
        return "Answer[" + status + " " + text() + "]";
    }
}
