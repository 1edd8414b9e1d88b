package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorStats;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.testing.LossyProxy;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each fault kind alone at a high rate, then all together, under concurrent Creates and watches (two watches per
 * task) against the emulator in real time. Per cell: every watch of a created task reaches the task's true
 * terminal state (the emulator's own), no Create leaves two tasks, no update stream goes back, and the figures
 * (requests per watch, Creates that failed, and those the service acted on anyway) are printed as a table.
 *
 * <p>"Lost answer" is a fault after the service acted (a proxy resets the connection once the emulator answered):
 * the one where sending a Create again would create a second task. Sized for two shared cores: 30 instances a cell.
 */
class FaultMatrixIT {

    private static final int INSTANCES = 30;
    private static final int WATCHERS_PER_TASK = 2;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final StringBuilder TABLE = new StringBuilder();
    private static KillWorkload.Tally combined = KillWorkload.Tally.ZERO;

    enum Cell {
        NONE(e -> e, 0),
        GATEWAY_502_503(e -> e.fault502(0.3), 0),
        CONNECTION_RESET(e -> e.faultReset(0.3), 0),
        TRUNCATED_BODY(e -> e.faultMalformed(0.3), 0),
        INTERNAL_ERROR(e -> e.faultInternalError(0.3), 0),
        THROTTLED(e -> e.faultThrottle(0.3), 0),
        LOST_ANSWER(e -> e, 0.3),
        ALL_COMBINED(e -> e.fault502(0.07).faultReset(0.07).faultMalformed(0.07).faultInternalError(0.07)
                .faultThrottle(0.07), 0.07);

        final UnaryOperator<DbbrainEmulator.Builder> faults;
        final double lostAnswers;

        Cell(UnaryOperator<DbbrainEmulator.Builder> faults, double lostAnswers) {
            this.faults = faults;
            this.lostAnswers = lostAnswers;
        }
    }

    @AfterAll
    static void printTable() {
        System.out.println("Fault matrix (" + INSTANCES + " instances a cell, " + WATCHERS_PER_TASK
                + " watches per task)\n" + KillWorkload.header() + "\n" + TABLE
                + KillWorkload.row("total", combined));
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void everyWatchReachesTheTrueEndWithoutDuplicateCreatesOrRegressions(Cell cell) {
        String secretId = "AKIDmatrix" + cell.ordinal();
        try (DbbrainEmulator emulator = cell.faults.apply(DbbrainEmulator.builder().credentials(secretId, "matrix-key")
                .rateLimit(0).stepDuration(Duration.ofMillis(100)).proxies(3).proxyFailureProbability(0.2)
                .seed(cell.ordinal())).start();
                LossyProxy proxy = LossyProxy.start(emulator.endpoint(), cell.lostAnswers, cell.ordinal());
                DbbrainClient client = DbbrainClient.builder().endpoint(proxy.endpoint())
                        .credentials(Credentials.of(secretId, "matrix-key"))
                        .rateLimiter(RateLimiter.builder().permitsPerSecond(400).burst(40).build())
                        .maxRetries(15).retryBackoff(Duration.ofMillis(10), Duration.ofMillis(200))
                        .build()) {
            List<String> instances = IntStream.range(0, INSTANCES)
                    .mapToObj(i -> String.format("crs-m%dx%05d", cell.ordinal(), i)).toList();
            WatchOptions options = WatchOptions.defaults().pollInterval(Duration.ofMillis(100))
                    .deadline(Duration.ofSeconds(60));
            List<KillWorkload.Outcome> outcomes = KillWorkload.run(client, instances, WATCHERS_PER_TASK, options)
                    .collectList().block(WAIT);
            EmulatorStats stats = emulator.stats();
            KillWorkload.Tally t = KillWorkload.tally(outcomes.stream().map(KillWorkload.Outcome::summary).toList(),
                    WATCHERS_PER_TASK, stats,
                    stats.requests().getOrDefault("DescribeProxySessionKillTasks", 0L));
            synchronized (TABLE) {
                TABLE.append(KillWorkload.row(cell.name(), t)).append('\n');
                combined = combined.plus(t);
            }
            assertThat(t.watches()).as("watches started").isPositive();
            assertThat(t.trueEnds()).as("watches that reached the true terminal state").isEqualTo(t.watches());
            assertThat(t.watchErrors()).isZero();
            assertThat(t.duplicates()).as("duplicate Creates").isZero();
            assertThat(t.regressions()).as("regressions").isZero();
            // Only a fault that hid the answer may fail a Create, and it is a typed error naming the action.
            assertThat(outcomes).filteredOn(o -> o.createError() != null).allSatisfy(o ->
                    assertThat(o.createError()).isInstanceOfSatisfying(DbbrainException.class, e -> {
                        assertThat(e.action()).isEqualTo("CreateProxySessionKillTask");
                        assertThat(e.isRetryable() || e.category() == ErrorCategory.TRANSIENT).isTrue();
                    }));
            if (cell == Cell.NONE || cell == Cell.THROTTLED) {
                // Nothing ambiguous: every Create went through (throttled ones were sent again).
                assertThat(t.createErrors()).isZero();
            }
            if (cell != Cell.LOST_ANSWER && cell != Cell.ALL_COMBINED) {
                // The emulator's faults replace processing: a failed Create never created anything.
                assertThat(t.actedOnDespiteError()).isZero();
            }
            if (cell == Cell.LOST_ANSWER) {
                assertThat(proxy.lost()).isPositive();
            }
            KillWorkload.awaitIdle(client);
        }
    }
}
