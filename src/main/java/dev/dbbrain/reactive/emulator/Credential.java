package dev.dbbrain.reactive.emulator;

import java.util.Objects;

/**
 * A key pair the emulator accepts; {@code token} is non-null for temporary credentials, whose requests must carry
 * the same value in {@code X-TC-Token}.
 */
record Credential(String secretId, String secretKey, String token) {

    Credential {
        Objects.requireNonNull(secretId, "secretId");
        Objects.requireNonNull(secretKey, "secretKey");
    }

    boolean temporary() {
        return token != null;
    }

    /** Names the SecretId only: the key and the token never appear in logs or messages. */
    @Override
    public String toString() {
        return "Credential[secretId=" + secretId + ", temporary=" + temporary() + "]";
    }
}
