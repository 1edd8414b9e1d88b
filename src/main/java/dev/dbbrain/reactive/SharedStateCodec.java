package dev.dbbrain.reactive;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.internal.SharedFormat;
import dev.dbbrain.reactive.internal.SharedWatchStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes and checks the values replicas publish to their fleet: one task's state, signed. Pure: strings in, values or
 * reasons out.
 *
 * <p>A value is {@code DWS1 <polledAt> <observedAt> <kind> <mac> <answer>}: the marker of the layout; the
 * microseconds of the store's clock when the poll's slot was taken (the fence that keeps a late publication from
 * replacing a newer one) and when the state was observed (an estimate, never later than the truth); the kind
 * ({@code R} a state, {@code T} a terminal state, {@code N} not reported); an HMAC-SHA256, in hex, over
 * {@code DWS1\n<account>\n<instance>\n<task>\n<polledAt>\n<observedAt>\n<kind>\n<answer>}; and the state written
 * as the service's DescribeProxySessionKillTasks answer ({@link JsonCodec#encodeDescribeAnswer}), so that reading it
 * back is reading a service answer: jackson-core's streaming parser under the same bounds, the same typed errors,
 * capped at {@link SharedWatchStore#MAX_VALUE_BYTES}.
 *
 * <p><b>Whose MAC.</b> A replica signing with permanent credentials keys its MACs with a key derived from the
 * SecretKey (HMAC-SHA256 of a fixed label under the SecretKey): every replica of the account shares it and nothing
 * else has it, so a value written by hand, by another program or by someone who can write to Redis but does not hold
 * the account's key is refused, and a state can be trusted as much as an answer of the service. Temporary
 * credentials cannot do that: each replica's SecretKey differs, and changes at every refresh, so a MAC keyed from it
 * could not be checked by any other replica. Their fleet (which shares the keys of no SecretId, {@code -}, as the
 * limiter does) uses a fixed, public key: the MAC then tells corrupt, truncated and foreign values from the
 * library's own, but not a deliberate forgery by someone with write access to Redis, which for such a fleet only
 * Redis's own access control keeps out.
 */
final class SharedStateCodec {

    /** What a rejected value was. */
    static final String CORRUPT = "corrupt";
    static final String FOREIGN = "foreign";
    static final String MISPLACED = "misplaced";
    static final String REGRESSED = "regressed";

    private static final String LAYOUT = "DWS1";
    private static final byte[] KEY_LABEL = "dbbrain-reactive shared watch state MAC key v1"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] UNKEYED = "dbbrain-reactive shared watch state, temporary credentials, v1"
            .getBytes(StandardCharsets.UTF_8);
    private static final HexFormat HEX = HexFormat.of();

    private final JsonCodec json = new JsonCodec(SharedWatchStore.MAX_VALUE_BYTES, ZoneOffset.UTC);

    /**
     * An account as its fleet knows it.
     *
     * @param id its part of the keys: a hash of the SecretId, or {@code -} for temporary credentials
     * @param macKey the key of its MACs
     */
    record Account(String id, byte[] macKey) {
    }

    /** What a value read back is: a state (or "not reported"), or a reason to ignore it. */
    sealed interface Read permits Accepted, Rejected {
    }

    /**
     * A value that passed every check.
     *
     * @param outcome a {@link WatchPolicy.Reported} state or {@link WatchPolicy.Outcome#NOT_REPORTED}
     * @param polledAt when its poll's slot was taken, microseconds of the store's clock
     */
    record Accepted(WatchPolicy.Outcome outcome, long polledAt) implements Read {
    }

    /** A value to ignore, and why: {@link #CORRUPT}, {@link #FOREIGN}, {@link #MISPLACED}. */
    record Rejected(String reason) implements Read {
    }

    /**
     * The account's part of the keys: a hash of the SecretId, or {@code -} for temporary credentials, whose SecretId
     * changes at every refresh and differs per replica (the limiter's buckets are keyed the same way).
     */
    static String accountId(Credentials credentials) {
        return SharedFormat.account(credentials.token().isPresent() ? null : credentials.secretId());
    }

    /** The account of credentials, as the fleet's keys and MACs know it. */
    static Account account(Credentials credentials, String accountId) {
        if (credentials.token().isPresent()) {
            return new Account(accountId, UNKEYED);
        }
        return new Account(accountId, hmac(credentials.secretKey().getBytes(StandardCharsets.UTF_8), KEY_LABEL));
    }

    /**
     * The value of a state polled in a slot taken at {@code polledAt} and observed at {@code observedAt}; {@code null}
     * when it would exceed the cap (it is then not published).
     *
     * @param state the state, or {@code null} for a task the service did not report
     */
    String encode(Account account, String instanceId, long taskId, long polledAt, long observedAt, TaskInfo state) {
        String kind = state == null ? "N" : state.isTerminal() ? "T" : "R";
        String answer = new String(json.encodeDescribeAnswer(state == null ? List.of() : List.of(state),
                "shared-state"), StandardCharsets.UTF_8);
        String mac = mac(account, instanceId, taskId, polledAt, observedAt, kind, answer);
        String value = SharedWatchStore.MARKER + polledAt + " " + observedAt + " " + kind + " " + mac + " " + answer;
        return utf8Length(value) > SharedWatchStore.MAX_VALUE_BYTES ? null : value;
    }

    /** Reads back a value the store holds for a task of an instance, checking everything the service's answer is. */
    Read decode(Account account, String instanceId, long taskId, String value) {
        if (value.length() > SharedWatchStore.MAX_VALUE_BYTES || !value.startsWith(SharedWatchStore.MARKER)) {
            return new Rejected(CORRUPT);
        }
        String[] parts = value.substring(SharedWatchStore.MARKER.length()).split(" ", 5);
        if (parts.length != 5) {
            return new Rejected(CORRUPT);
        }
        long polledAt = micros(parts[0]);
        long observedAt = micros(parts[1]);
        String kind = parts[2];
        String mac = parts[3];
        String answer = parts[4];
        if (polledAt < 0 || observedAt < polledAt || !(kind.equals("R") || kind.equals("T") || kind.equals("N"))
                || mac.length() != 64) {
            return new Rejected(CORRUPT);
        }
        byte[] expected = HEX.parseHex(mac(account, instanceId, taskId, polledAt, observedAt, kind, answer));
        byte[] given;
        try {
            given = HEX.parseHex(mac);
        } catch (IllegalArgumentException e) {
            return new Rejected(CORRUPT);
        }
        if (!MessageDigest.isEqual(expected, given)) {
            return new Rejected(FOREIGN);
        }
        List<TaskInfo> tasks;
        try {
            tasks = json.decodeDescribe(answer.getBytes(StandardCharsets.UTF_8)).tasks();
        } catch (DbbrainException e) {
            return new Rejected(CORRUPT);
        }
        if (kind.equals("N")) {
            return tasks.isEmpty() ? new Accepted(WatchPolicy.Outcome.NOT_REPORTED, polledAt)
                    : new Rejected(CORRUPT);
        }
        if (tasks.size() != 1) {
            return new Rejected(CORRUPT);
        }
        TaskInfo state = tasks.get(0);
        if (state.asyncRequestId() != taskId
                || !(state.instanceId().isEmpty() || state.instanceId().equals(instanceId))) {
            return new Rejected(MISPLACED);
        }
        if (state.isTerminal() != kind.equals("T")) {
            return new Rejected(CORRUPT);
        }
        return new Accepted(new WatchPolicy.Reported(state), polledAt);
    }

    static String mac(Account account, String instanceId, long taskId, long polledAt, long observedAt,
            String kind, String answer) {
        String signed = LAYOUT + "\n" + account.id() + "\n" + instanceId + "\n" + taskId + "\n" + polledAt + "\n"
                + observedAt + "\n" + kind + "\n" + answer;
        return HEX.formatHex(hmac(account.macKey(), signed.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }

    /** A decimal count of microseconds, or -1 if it is none (sign, other characters, overflow). */
    private static long micros(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
