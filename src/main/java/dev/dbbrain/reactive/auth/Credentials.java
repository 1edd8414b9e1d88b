package dev.dbbrain.reactive.auth;

import dev.dbbrain.reactive.internal.Validation;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A Tencent Cloud API key: SecretId, SecretKey and, for temporary credentials, a session token and the time they
 * expire.
 *
 * <p>{@link #toString()} shows the SecretId and the expiry only; the key and the token never appear in it.
 *
 * <pre>{@code
 * Credentials permanent = Credentials.of("AKID...", secretKey);
 * Credentials temporary = Credentials.of("AKID...", secretKey, sessionToken);
 * Credentials expiring = Credentials.of("AKID...", secretKey, sessionToken, Instant.ofEpochSecond(expiredTime));
 * }</pre>
 */
public final class Credentials {

    private final String secretId;
    private final String secretKey;
    private final String token;
    private final Instant expiration;

    private Credentials(String secretId, String secretKey, String token, Instant expiration) {
        this.secretId = Validation.requireToken(secretId, "secretId");
        this.secretKey = Validation.requireToken(secretKey, "secretKey");
        this.token = token == null ? null : Validation.requireToken(token, "token");
        this.expiration = expiration;
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
        return new Credentials(secretId, secretKey, null, null);
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
        return new Credentials(secretId, secretKey, token, null);
    }

    /**
     * Temporary credentials that stop working at {@code expiration}, as issued by STS or a CVM instance role. A
     * {@link CredentialsProvider#refreshing refreshing provider} replaces them before that time.
     *
     * @param secretId the temporary SecretId
     * @param secretKey the temporary SecretKey
     * @param token the session token
     * @param expiration when the service stops accepting them
     * @return the credentials
     * @throws IllegalArgumentException if an argument is blank or contains whitespace, or expiration is null
     */
    public static Credentials of(String secretId, String secretKey, String token, Instant expiration) {
        if (token == null) {
            throw new IllegalArgumentException("token must not be null for credentials that expire");
        }
        if (expiration == null) {
            throw new IllegalArgumentException("expiration must not be null");
        }
        return new Credentials(secretId, secretKey, token, expiration);
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

    /**
     * Returns when temporary credentials stop working.
     *
     * @return the expiry, or empty for credentials that do not expire (or whose expiry is not known)
     */
    public Optional<Instant> expiration() {
        return Optional.ofNullable(expiration);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Credentials other && secretId.equals(other.secretId) && secretKey.equals(other.secretKey)
                && Objects.equals(token, other.token) && Objects.equals(expiration, other.expiration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(secretId, secretKey, token, expiration);
    }

    /** Shows the SecretId, whether a token is present and the expiry; never the key or the token. */
    @Override
    public String toString() {
        return "Credentials[secretId=" + secretId + ", secretKey=***, token=" + (token == null ? "none" : "***")
                + (expiration == null ? "" : ", expiration=" + expiration) + "]";
    }
}
