package dev.dbbrain.reactive.emulator;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The key pairs the emulator accepts: those given to its builder, and the temporary ones it issued through STS
 * {@code AssumeRole}, each until its expiry. An issued pair is kept for {@link #FORGET_AFTER_MILLIS} past its expiry,
 * so that a late request with it is told {@code AuthFailure.TokenFailure} (expired) rather than
 * {@code SecretIdNotFound}; after that it is forgotten, which bounds the memory of a long run.
 */
final class CredentialStore {

    static final long FORGET_AFTER_MILLIS = 10 * 60 * 1000L;

    private final Map<String, Credential> configured;
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();

    CredentialStore(Map<String, Credential> configured) {
        this.configured = Map.copyOf(configured);
    }

    /** The pair with this SecretId, configured or issued (expired or not), or null. */
    Credential find(String secretId) {
        Credential c = configured.get(secretId);
        if (c != null) {
            return c;
        }
        Issued i = issued.get(secretId);
        return i == null ? null : i.credential;
    }

    /** Whether this pair was issued by AssumeRole and has expired at clock millis {@code now}. */
    boolean expired(String secretId, long now) {
        Issued i = issued.get(secretId);
        return i != null && now >= i.expiresAtMillis;
    }

    /** Accepts a new temporary pair until {@code expiresAtMillis}, forgetting long-expired ones. */
    void issue(Credential credential, long expiresAtMillis, long now) {
        issued.values().removeIf(i -> now >= i.expiresAtMillis + FORGET_AFTER_MILLIS);
        issued.put(credential.secretId(), new Issued(credential, expiresAtMillis));
    }

    private record Issued(Credential credential, long expiresAtMillis) {
    }
}
