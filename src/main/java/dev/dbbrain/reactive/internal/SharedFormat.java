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
    RATE_BUCKET(1, 0),

    /**
     * A shared watch's latest state of one task ({@code <rest>} is {@code state:<instance>:<task>}): a string
     * {@code DWS1 <polledAt> <observedAt> <kind> <mac> <answer>}, where the times are microseconds of Redis's clock
     * (when the poll's slot was taken: the fence of its publication; when the state was observed), the kind is
     * {@code R} (a state), {@code T} (a terminal state) or {@code N} (not reported), the MAC an HMAC-SHA256 in hex
     * over the account, instance, task, times, kind and answer, and the answer the state written as the service's
     * DescribeProxySessionKillTasks answer (see {@code SharedStateCodec}). At most
     * {@link SharedWatchStore#MAX_VALUE_BYTES}; expires after the sharing's retention.
     */
    WATCH_STATE(1, SharedFormat.NONE),

    /**
     * A shared watch's poll slot of one task ({@code <rest>} is {@code slot:<instance>:<task>}): a string, the token
     * of the round that polls the task now; expires after the sharing's lease unless renewed. A slot with no expiry,
     * or more than a minute left, was not set by this library.
     */
    WATCH_SLOT(1, SharedFormat.NONE),

    /**
     * The channel ({@code <rest>} is {@code published}) on which replicas sharing watches say that states of an
     * instance's tasks were written: each message is the instance ID. Only a hint; the state keys are the truth.
     */
    WATCH_PUBLISHED(1, SharedFormat.NONE);

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
