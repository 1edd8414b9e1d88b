package dev.dbbrain.reactive.auth;

import dev.dbbrain.reactive.DbbrainDecodingException;
import dev.dbbrain.reactive.internal.BoundedJson;
import dev.dbbrain.reactive.internal.EnvelopeReader;
import java.time.Instant;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads the answer of STS {@code AssumeRole}: {@code Response.Credentials{TmpSecretId, TmpSecretKey, Token}} and
 * {@code Response.ExpiredTime} (epoch seconds) become {@link Credentials}. The envelope is read by the shared
 * {@link EnvelopeReader}, bounded like every answer (an {@code Error} wins, the RequestId is kept); the few fields
 * used are taken from the token stream, everything else is skipped unread.
 */
final class AssumeRoleAnswer {

    private static final EnvelopeReader ENVELOPES = new EnvelopeReader(AssumeRoleCredentials.MAX_BODY_BYTES);
    private static final String ACTION = AssumeRoleCredentials.ACTION;

    /** What the answer held; null where a field was absent or of another type. */
    private String id;
    private String key;
    private String token;
    private boolean credentialsObject;
    private Long expiredTime;

    private AssumeRoleAnswer() {
    }

    /** The credentials of an answer, or this library's typed exception of action {@code AssumeRole}. */
    static Credentials credentials(byte[] body) {
        AssumeRoleAnswer answer = new AssumeRoleAnswer();
        EnvelopeReader.Reading reading = ENVELOPES.reading(ACTION);
        reading.read(body, answer::field);
        String requestId = reading.requestId();
        if (!answer.credentialsObject) {
            throw new DbbrainDecodingException(ACTION, "no Credentials object", requestId, null);
        }
        String id = present(answer.id, "TmpSecretId", requestId);
        String key = present(answer.key, "TmpSecretKey", requestId);
        String token = present(answer.token, "Token", requestId);
        Long expired = answer.expiredTime;
        if (expired == null || expired <= 0 || expired > Instant.MAX.getEpochSecond()) {
            throw new DbbrainDecodingException(ACTION, "no ExpiredTime in epoch seconds", requestId, null);
        }
        try {
            return Credentials.of(id, key, token, Instant.ofEpochSecond(expired));
        } catch (IllegalArgumentException e) {
            throw new DbbrainDecodingException(ACTION, "unusable credentials: " + e.getMessage(), requestId, null);
        }
    }

    private boolean field(String field, JsonParser p) {
        switch (field) {
            case "Credentials" -> credentials(p);
            case "ExpiredTime" -> expiredTime = BoundedJson.int64OrNull(p);
            default -> {
                return false;
            }
        }
        return true;
    }

    private void credentials(JsonParser p) {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        credentialsObject = true;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "TmpSecretId" -> id = BoundedJson.stringOrNull(p);
                case "TmpSecretKey" -> key = BoundedJson.stringOrNull(p);
                case "Token" -> token = BoundedJson.stringOrNull(p);
                default -> p.skipChildren();
            }
        }
    }

    private static String present(String value, String field, String requestId) {
        if (value == null || value.isBlank()) {
            throw new DbbrainDecodingException(ACTION, "no Credentials." + field, requestId, null);
        }
        return value;
    }
}
