package dev.dbbrain.reactive.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Every format this library keeps in a store that the JVMs of a fleet share (Redis), one constant each, with its
 * schema version; and the one way their keys are named: {@code <prefix>:v<N>:{<account>}:<rest>}.
 *
 * <p>Replicas of different releases read and write these keys at the same time during a rolling deploy, so the rule
 * is: <b>a layout change is a new version, never a reinterpretation</b>. A new field, a field that changes meaning,
 * unit or encoding, or a script that reads the same fields differently gets the next version number, so it lives
 * under a new key name that no older replica reads. For the transition, the new version's code honours the previous
 * version's key too (see {@link #previousVersion()}): it reads it, and writes it back in the previous layout, in the
 * same atomic step, until a switch of the user's turns that off once no older replica remains. Only then may a later
 * release drop the previous version's code.
 *
 * <p>{@code {<account>}} is a Redis Cluster hash tag: every key of one account, of every version, hashes to the same
 * slot, so one script may touch the current and the previous version's key together. The account is a hash of the
 * SecretId ({@link #account(String)}), never the SecretId.
 */
public enum SharedFormat {

    /**
     * The Redis rate limiter's bucket of one account and action ({@code <rest>} is the action): a hash whose field
     * {@code t} is when the next permit is due at the steady pace, in microseconds of Redis's clock, and whose
     * optional field {@code f} lists slots handed back by cancelled waiters (microseconds, ascending, separated by a
     * space); the key expires once {@code t} has passed. Version 1 has the fields of the unversioned layout that
     * builds before versioned keys wrote ({@code <prefix>:{<account>}:<action>}), and honours that key during the
     * transition.
     */
    RATE_BUCKET(1, 0);

    /** {@link #previousVersion()} of a format that never had one. */
    public static final int NONE = -1;

    private final int version;
    private final int previousVersion;

    SharedFormat(int version, int previousVersion) {
        this.version = version;
        this.previousVersion = previousVersion;
    }

    /** The schema version this release writes, at least 1. */
    public int version() {
        return version;
    }

    /**
     * The version this one replaced, which it honours during a rolling deploy: 0 for the unversioned layout that
     * existed before versions did, {@link #NONE} for a format that is new.
     */
    public int previousVersion() {
        return previousVersion;
    }

    /** The key of this version: {@code <prefix>:v<N>:{<account>}:<rest>}. */
    public String key(String prefix, String account, String rest) {
        return key(prefix, version, account, rest);
    }

    /**
     * The key of the previous version, or {@code null} when there is none; version 0 has no version in its name
     * ({@code <prefix>:{<account>}:<rest>}).
     */
    public String previousKey(String prefix, String account, String rest) {
        return previousVersion == NONE ? null : key(prefix, previousVersion, account, rest);
    }

    private static String key(String prefix, int version, String account, String rest) {
        String tag = "{" + account + "}";
        return version == 0 ? prefix + ":" + tag + ":" + rest : prefix + ":v" + version + ":" + tag + ":" + rest;
    }

    /**
     * The account part of a key: the first 128 bits of the SecretId's SHA-256 in hex, or {@code -} for no SecretId.
     * Keys, logs and Redis's own monitoring never see the SecretId itself.
     */
    public static String account(String secretId) {
        if (secretId == null) {
            return "-";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secretId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
