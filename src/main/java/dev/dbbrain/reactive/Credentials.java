package dev.dbbrain.reactive;

import java.util.Objects;
import java.util.Optional;

/**
 * A Tencent Cloud API key: SecretId, SecretKey and, for temporary credentials, a session token.
 *
 * <p>{@link #toString()} shows the SecretId only; the key and the token never appear in it.
 *
 * <pre>{@code
 * Credentials permanent = Credentials.of("AKID...", secretKey);
 * Credentials temporary = Credentials.of("AKID...", secretKey, sessionToken);
 * }</pre>
 */
public final class Credentials {

    private final String secretId;
    private final String secretKey;
    private final String token;

    private Credentials(String secretId, String secretKey, String token) {
        this.secretId = Validation.requireToken(secretId, "secretId");
        this.secretKey = Validation.requireToken(secretKey, "secretKey");
        this.token = token == null ? null : Validation.requireToken(token, "token");
    }

    /**
     * Permanent credentials.
     *
     * @param secretId the SecretId
     * @param secretKey the SecretKey
     * @return the credentials
     * @throws IllegalArgumentException if either is blank or contains whitespace
     */
    public static Credentials of(String secretId, String secretKey) {
        return new Credentials(secretId, secretKey, null);
    }

    /**
     * Temporary credentials, sent with {@code X-TC-Token}.
     *
     * @param secretId the temporary SecretId
     * @param secretKey the temporary SecretKey
     * @param token the session token, or {@code null} for permanent credentials
     * @return the credentials
     * @throws IllegalArgumentException if an argument is blank or contains whitespace
     */
    public static Credentials of(String secretId, String secretKey, String token) {
        return new Credentials(secretId, secretKey, token);
    }

    /**
     * Returns the SecretId.
     *
     * @return the SecretId
     */
    public String secretId() {
        return secretId;
    }

    /**
     * Returns the SecretKey. Handle with care: never log it.
     *
     * @return the SecretKey
     */
    public String secretKey() {
        return secretKey;
    }

    /**
     * Returns the session token of temporary credentials.
     *
     * @return the token, or empty for permanent credentials
     */
    public Optional<String> token() {
        return Optional.ofNullable(token);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Credentials other && secretId.equals(other.secretId) && secretKey.equals(other.secretKey)
                && Objects.equals(token, other.token);
    }

    @Override
    public int hashCode() {
        return Objects.hash(secretId, secretKey, token);
    }

    /** Shows the SecretId and whether a token is present; never the key or the token. */
    @Override
    public String toString() {
        return "Credentials[secretId=" + secretId + ", secretKey=***, token=" + (token == null ? "none" : "***") + "]";
    }
}
