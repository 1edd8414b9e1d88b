package dev.dbbrain.reactive.auth;

import dev.dbbrain.reactive.DbbrainCredentialsException;
import dev.dbbrain.reactive.internal.BoundedJson;
import java.time.DateTimeException;
import java.time.Instant;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads the CVM metadata service's answer for a role,
 * {@code {"Code":"Success","TmpSecretId","TmpSecretKey","Token","ExpiredTime"}} (ExpiredTime in epoch seconds),
 * into {@link Credentials}. Not an API envelope: one JSON object, parsed under the same bounded constraints as every
 * answer, its few fields taken from the token stream and everything else skipped unread. Anything that is not one
 * JSON object (duplicate names and content after it included) is "did not answer a JSON object".
 */
final class InstanceRoleAnswer {

    private static final BoundedJson JSON = new BoundedJson(InstanceRoleCredentials.MAX_BODY_BYTES);

    /** What the answer held; null where a field was absent or of another type. */
    private String code;
    private String id;
    private String key;
    private String token;
    private Long expiredTime;

    private InstanceRoleAnswer() {
    }

    /** The credentials {@code url} answered with {@code body}, or a {@link DbbrainCredentialsException}. */
    static Credentials credentials(String url, byte[] body) {
        InstanceRoleAnswer answer = new InstanceRoleAnswer();
        if (!answer.read(body)) {
            throw InstanceRoleCredentials.fail(url + " did not answer a JSON object");
        }
        String code = present(answer.code, "Code", url);
        if (!"Success".equals(code)) {
            throw InstanceRoleCredentials.fail(url + " answered Code " + quote(code) + " instead of Success");
        }
        String id = present(answer.id, "TmpSecretId", url);
        String key = present(answer.key, "TmpSecretKey", url);
        String token = present(answer.token, "Token", url);
        if (answer.expiredTime == null) {
            throw InstanceRoleCredentials.fail(url + " answered no ExpiredTime in epoch seconds");
        }
        try {
            return Credentials.of(id, key, token, Instant.ofEpochSecond(answer.expiredTime));
        } catch (IllegalArgumentException | DateTimeException e) {
            // The message of Credentials' checks names the field, never its value.
            throw InstanceRoleCredentials.fail(url + " answered unusable credentials: " + e.getMessage());
        }
    }

    /** Reads the fields of one JSON object; false if the body is anything else. */
    private boolean read(byte[] body) {
        try (JsonParser p = JSON.parser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "Code" -> code = BoundedJson.stringOrNull(p);
                    case "TmpSecretId" -> id = BoundedJson.stringOrNull(p);
                    case "TmpSecretKey" -> key = BoundedJson.stringOrNull(p);
                    case "Token" -> token = BoundedJson.stringOrNull(p);
                    case "ExpiredTime" -> expiredTime = BoundedJson.int64OrNull(p);
                    default -> p.skipChildren();
                }
            }
            return p.nextToken() == null;
        } catch (JacksonException e) {
            return false;
        }
    }

    private static String present(String value, String field, String url) {
        if (value == null || value.isBlank()) {
            throw InstanceRoleCredentials.fail(url + " answered no " + field);
        }
        return value;
    }

    /** Quotes a value from the metadata service, cut short: it may be anything. */
    private static String quote(String value) {
        return "`" + (value.length() > 40 ? value.substring(0, 40) + "…" : value) + "`";
    }
}
