package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.internal.SharedWatchStore;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The values replicas publish: read back exactly as written, and refused (with a reason) when anything in them was
 * changed, cut, written by something else, or is another task's.
 */
class SharedStateCodecTest {

    private static final String INSTANCE = "crs-codec001";
    private static final Credentials KEY = Credentials.of("AKIDcodec0001", "codec-secret-key");
    private final SharedStateCodec codec = new SharedStateCodec();
    private final SharedStateCodec.Account account = SharedStateCodec.account(KEY, SharedStateCodec.accountId(KEY));
    private final TaskInfo running = new TaskInfo(42, INSTANCE, "running", 33, List.of("p-1", "p-2", "p 3"), 3,
            List.of("p-1"), List.of(), Optional.of(Instant.parse("2026-11-28T00:00:01Z")),
            Optional.of(Instant.parse("2026-11-28T00:00:02.5Z")), Optional.empty());

    private SharedStateCodec.Read read(String value) {
        return codec.decode(account, INSTANCE, 42, value);
    }

    private static String reason(SharedStateCodec.Read read) {
        return read instanceof SharedStateCodec.Rejected r ? r.reason() : "accepted";
    }

    @Test
    void aStateReadsBackAsWrittenWithItsFence() {
        String value = codec.encode(account, INSTANCE, 42, 1_000_000, 1_250_000, running);
        assertThat(value).startsWith(SharedWatchStore.MARKER + "1000000 1250000 R ");
        SharedStateCodec.Read read = read(value);
        assertThat(read).isEqualTo(new SharedStateCodec.Accepted(new WatchPolicy.Reported(running), 1_000_000));
    }

    @Test
    void aTerminalStateAndATaskNotReportedHaveTheirOwnKinds() {
        TaskInfo finished = new TaskInfo(42, INSTANCE, "finished", 100, List.of(), 0, List.of(), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(codec.encode(account, INSTANCE, 42, 1, 2, finished)).startsWith("DWS1 1 2 T ");
        String missing = codec.encode(account, INSTANCE, 42, 1, 2, null);
        assertThat(missing).startsWith("DWS1 1 2 N ");
        assertThat(read(missing)).isEqualTo(new SharedStateCodec.Accepted(WatchPolicy.Outcome.NOT_REPORTED, 1));
    }

    @Test
    void anyChangedCharacterIsRefused() {
        String value = codec.encode(account, INSTANCE, 42, 1_000_000, 1_250_000, running);
        // The times, the kind and the answer are all under the MAC.
        assertThat(reason(read(value.replace("1250000", "9250000")))).isEqualTo(SharedStateCodec.FOREIGN);
        assertThat(reason(read(value.replace(" R ", " T ")))).isEqualTo(SharedStateCodec.FOREIGN);
        assertThat(reason(read(value.replace("\"Progress\":33", "\"Progress\":34"))))
                .isEqualTo(SharedStateCodec.FOREIGN);
        assertThat(reason(read(value.substring(0, value.length() - 3)))).isEqualTo(SharedStateCodec.FOREIGN);
        assertThat(reason(read(value.replaceFirst(" R [0-9a-f]", " R z")))).isEqualTo(SharedStateCodec.CORRUPT);
    }

    @Test
    void anotherTasksInstancesOrAccountsValueIsRefused() {
        String value = codec.encode(account, INSTANCE, 42, 1, 2, running);
        assertThat(reason(codec.decode(account, INSTANCE, 43, value))).isEqualTo(SharedStateCodec.FOREIGN);
        assertThat(reason(codec.decode(account, "crs-codec002", 42, value))).isEqualTo(SharedStateCodec.FOREIGN);
        SharedStateCodec.Account other = SharedStateCodec.account(Credentials.of("AKIDcodec0001", "another-key"),
                account.id());
        assertThat(reason(codec.decode(other, INSTANCE, 42, value))).isEqualTo(SharedStateCodec.FOREIGN);
        // Signed for task 42, but holding task 43's state: a replica's bug, caught.
        TaskInfo task43 = new TaskInfo(43, INSTANCE, "running", 1, List.of(), 0, List.of(), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(reason(read(codec.encode(account, INSTANCE, 42, 1, 2, task43))))
                .isEqualTo(SharedStateCodec.MISPLACED);
    }

    @Test
    void valuesThatAreNotTheLayoutAreCorrupt() {
        for (String value : List.of("", "hello", "DWS1 ", "DWS1 1 2 R", "DWS1 -1 2 R aa {}", "DWS1 2 1 R aa {}",
                "DWS1 1 2 X " + "0".repeat(64) + " {}", "DWS2 1 2 R " + "0".repeat(64) + " {}",
                "DWS1 99999999999999999999 2 R " + "0".repeat(64) + " {}")) {
            assertThat(reason(read(value))).as(value).isEqualTo(SharedStateCodec.CORRUPT);
        }
    }

    @Test
    void aSignedAnswerThatIsNotAValidAnswerIsCorruptNeverAJacksonException() {
        String body = "{\"Response\":{\"Tasks\":[" + String.join("", Collections.nCopies(40, "[")) + "]}}";
        for (String answer : List.of("not json", "{\"Response\":{\"Tasks\":[{}]}}", body,
                "{\"Response\":{\"Error\":{\"Code\":\"InternalError\",\"Message\":\"x\"}}}")) {
            String value = forge(answer);
            assertThat(reason(read(value))).as(answer).isEqualTo(SharedStateCodec.CORRUPT);
        }
    }

    @Test
    void aValueOverTheCapIsNeitherWrittenNorRead() {
        List<String> proxies = Collections.nCopies(3000, "x".repeat(40));
        TaskInfo huge = new TaskInfo(42, INSTANCE, "running", 1, proxies, proxies.size(), proxies, proxies,
                Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(codec.encode(account, INSTANCE, 42, 1, 2, huge)).isNull();
        assertThat(reason(read("DWS1 1 2 R " + "0".repeat(64) + " " + "x".repeat(SharedWatchStore.MAX_VALUE_BYTES))))
                .isEqualTo(SharedStateCodec.CORRUPT);
    }

    @Test
    void temporaryCredentialsOfDifferentReplicasReadEachOthersValues() {
        SharedStateCodec.Account one = SharedStateCodec.account(Credentials.of("AKIDtemp1", "k1", "t1"), "-");
        SharedStateCodec.Account two = SharedStateCodec.account(Credentials.of("AKIDtemp2", "k2", "t2"), "-");
        assertThat(SharedStateCodec.accountId(Credentials.of("AKIDtemp1", "k1", "t1"))).isEqualTo("-");
        String value = codec.encode(one, INSTANCE, 42, 1, 2, running);
        assertThat(codec.decode(two, INSTANCE, 42, value)).isInstanceOf(SharedStateCodec.Accepted.class);
    }

    @Test
    void theKeysAccountIsAHashAndTheValueHoldsNoSecret() {
        String value = codec.encode(account, INSTANCE, 42, 1, 2, running);
        assertThat(account.id()).doesNotContain("AKID").hasSize(32);
        assertThat(value).doesNotContain("codec-secret-key").doesNotContain("AKIDcodec0001");
    }

    /** A value whose MAC is right for an answer of the test's choosing: what a replica with the key could write. */
    private String forge(String answer) {
        return "DWS1 1 2 R " + SharedStateCodec.mac(account, INSTANCE, 42, 1, 2, "R", answer) + " " + answer;
    }
}
