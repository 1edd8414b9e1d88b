package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorStats;
import dev.dbbrain.reactive.testing.RateClaim;
import dev.dbbrain.reactive.testing.SendStamps;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Real time against the emulator's strict limit of 20 requests in any sliding second, with the client's defaults:
 * the JVM-wide limiter (a SecretId of its own per test, so each test starts with a fresh bucket), default retries
 * and default watch options.
 *
 * <p><b>Where the rate is measured (issue 22, "green under load").</b> These tests used to assert the limit on the
 * emulator's own count ({@code maxRequestsInOneSecond <= 20}, no {@code RequestLimitExceeded} answered). The
 * emulator counts a request when its event loop reads it; with CPU hogs beside the suite that loop is starved, and
 * requests the client sent at most 20 per sliding second arrived bunched: measured client-side at most 20, the
 * emulator counted 21 and refused one (send-to-count delay p99 49-222 ms). The library's claim is about what the
 * client sends, so each test now gives the client an {@link HttpClient} configured like its owned one (same pool
 * size, timeouts) plus a {@link SendStamps} handler that stamps each request when it is written, and asserts on
 * those stamps the same bound as before: never more than 20 requests of one action in any sliding second (the
 * test with faults asserted no bound before, only "no RequestLimitExceeded"; it now asserts the bound on the
 * stamps too). The emulator's view is still asserted, through {@link RateClaim}: it received exactly the stamped
 * requests (at most those in the test with faults), every {@code RequestLimitExceeded} it answered was read by the
 * client as the answer to a stamped send whose own client-side second was within 20, and (without faults) its
 * busiest second exceeds 20 only by such refusals. A library sending a 21st request in a second fails on the
 * stamps on any machine ({@code RateClaimIT} proves the measurement catches it); a request bypassing the measured
 * client fails the count check. Every watch still has to reach its true terminal state (a refusal is retried).
 * Under 4 CPU hogs the stamps once showed 33 Creates in one sliding second (the test with faults, once in six runs;
 * 28 Describes in a diagnostic run of the saturating load), written within a few milliseconds of each other: the
 * write pacer released requests on a timer thread and a starved event loop wrote them late and together
 * (release-to-write lag p99 125-723 ms). That was a real over-send, and the test failed on it. The pacer now makes
 * its last check on the connection's event loop, in the task that writes ({@code WritePacer}, {@code WriteThread}).
 *
 * <p>The throughput claim (at least 95% of the budget) keeps its bound but is measured on the stamps: sends per
 * second from the first send to the last, instead of calls per second from the test's start to the last answer,
 * whose first connection and last round trip are no use of the budget (on a quiet machine both read 95.4-95.5%).
 * Under 4 CPU hogs the stamps read 66-87% before the pacer's fix: the late, bunched writes arrived as bunches,
 * the emulator refused some, and each refusal halves the default limiter's rate (its adaptive slowdown, recovering
 * 10% a second). With writes leaving evenly from the event loop, 6 runs of this class beside 4 hogs read 95.1-95.4%
 * with no refusal, and no second above 20 for either action
 * ({@code .ci/stress -n 6 -k 4 --its 'WatchAtScaleIT,CliKillFiftyInstancesIT'}).
 */
class WatchAtScaleIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int WATCHES = 200;
    private static final int INSTANCES = 20;

    private final SendStamps stamps = new SendStamps();
    private DbbrainEmulator emulator;
    private ConnectionProvider pool;
    private DbbrainClient client;

    private void start(UnaryOperator<DbbrainEmulator.Builder> faults, UnaryOperator<DbbrainClient.Builder> settings) {
        String id = "AKIDscale" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        emulator = faults.apply(DbbrainEmulator.builder().credentials(id, "scale-key").rateLimit(20)
                .stepDuration(Duration.ofMillis(300)).proxies(3).proxyFailureProbability(0.2)).start();
        // What the client builds for itself by default, plus the send stamps.
        pool = SendStamps.ownedLikePool("watch-at-scale");
        client = settings.apply(DbbrainClient.builder().endpoint(emulator.endpoint())
                .credentials(Credentials.of(id, "scale-key")).httpClient(stamps.likeTheOwnedClient(pool))).build();
    }

    /** The library's claim on the client's sends, and the emulator's view explained by them (class comment). */
    private void assertRateClaim(EmulatorStats stats, boolean faults) {
        RateClaim.assertWithin(20, stamps.sends(), stats.requests(), stats.errors().getOrDefault(
                "RequestLimitExceeded", 0L), stats.maxRequestsInOneSecond(), faults);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (emulator != null) {
            emulator.close();
        }
        if (pool != null) {
            pool.disposeLater().block(Duration.ofSeconds(10));
        }
    }

    /** The outcome of one kill: the states its watch emitted, or the error of its Create. */
    private record Outcome(String instanceId, List<TaskInfo> states, Throwable error) {
    }

    private List<Outcome> killAll() {
        return Flux.range(0, WATCHES)
                .flatMap(i -> {
                    String instance = String.format("crs-scale%03d", i % INSTANCES);
                    return client.killProxySessions(instance).collectList()
                            .map(states -> new Outcome(instance, states, null))
                            .onErrorResume(e -> Mono.just(new Outcome(instance, List.of(), e)));
                }, WATCHES)
                .collectList()
                .block(WAIT);
    }

    private void assertTrueTerminalStatesWithoutRegressions(List<Outcome> outcomes) {
        Map<Long, String> truth = new HashMap<>();
        for (EmulatorStats.Task t : emulator.stats().tasks()) {
            truth.put(t.asyncRequestId(), t.status());
        }
        for (Outcome o : outcomes) {
            if (o.error() != null) {
                continue;
            }
            TaskInfo last = o.states().get(o.states().size() - 1);
            assertThat(last.isTerminal()).isTrue();
            assertThat(last.status()).isEqualTo(truth.get(last.asyncRequestId()));
            for (int i = 1; i < o.states().size(); i++) {
                TaskInfo before = o.states().get(i - 1);
                TaskInfo after = o.states().get(i);
                assertThat(TaskLoop.regresses(before, after)).as("%s then %s", before, after).isFalse();
                assertThat(TaskLoop.changed(before, after)).isTrue();
            }
        }
    }

    private static String figures(String name, EmulatorStats stats, DbbrainClient client, long elapsedNanos) {
        long requests = stats.requests().values().stream().mapToLong(Long::longValue).sum();
        double seconds = elapsedNanos / 1e9;
        return String.format("%s: %d requests (%s) in %.1f s; max in one second %s; errors %s; retries %d",
                name, requests, stats.requests(), seconds, stats.maxRequestsInOneSecond(), stats.errors(),
                client.stats().retries());
    }

    @Test
    void twoHundredWatchesOverTwentyInstancesStayUnderTheLimitAndAllReachTheTrueEnd() {
        start(e -> e, c -> c);
        long t0 = System.nanoTime();
        List<Outcome> outcomes = killAll();
        long elapsed = System.nanoTime() - t0;
        EmulatorStats stats = emulator.stats();
        System.out.println(figures("200 watches / 20 instances", stats, client, elapsed));
        assertThat(outcomes).allSatisfy(o -> assertThat(o.error()).isNull());
        assertTrueTerminalStatesWithoutRegressions(outcomes);
        assertThat(stats.tasksCreated()).isEqualTo(WATCHES);
        assertRateClaim(stats, false);
        assertThat(client.stats().watchedTasks()).isZero();
        assertThat(client.stats().pollsInFlight()).isZero();
    }

    @Test
    void aSaturatingLoadGetsNoThrottlingAndUsesAtLeast95PercentOfTheBudget() {
        start(e -> e, c -> c);
        int calls = 200;
        long t0 = System.nanoTime();
        Flux.range(0, calls)
                .flatMap(i -> client.describeProxySessionKillTasks(
                        DescribeProxySessionKillTasksRequest.of("crs-satur001", 1L)), calls)
                .then()
                .block(WAIT);
        long elapsed = System.nanoTime() - t0;
        EmulatorStats stats = emulator.stats();
        double utilisation = calls / (elapsed / 1e9) / 20;
        double sendUtilisation = SendStamps.rate(stamps.sends()) / 20;
        System.out.printf("saturating Describe load: %d calls in %.2f s = %.1f%% of 20/s; sent at %.1f%% of 20/s%n",
                calls, elapsed / 1e9, utilisation * 100, sendUtilisation * 100);
        assertRateClaim(stats, false);
        assertThat(SendStamps.counts(stamps.sends())).containsOnlyKeys("DescribeProxySessionKillTasks");
        assertThat(sendUtilisation).as("share of 20/s the client sent at").isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void faultsAreSurvivedAndNoCreateEverLeavesTwoTasks() {
        start(e -> e.faultReset(0.1).fault502(0.1).faultMalformed(0.1),
                c -> c.maxRetries(10).retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2)));
        long t0 = System.nanoTime();
        List<Outcome> outcomes = killAll();
        long elapsed = System.nanoTime() - t0;
        EmulatorStats stats = emulator.stats();
        System.out.println(figures("200 watches / 20 instances, 30% faults", stats, client, elapsed));
        long created = outcomes.stream().filter(o -> o.error() == null).count();
        // Ambiguous Creates (reset, 502, garbled answer after sending) are reported, never retried.
        assertThat(outcomes).filteredOn(o -> o.error() != null).allSatisfy(o ->
                assertThat(o.error()).isInstanceOf(DbbrainException.class)
                        .extracting(e -> ((DbbrainException) e).action()).isEqualTo("CreateProxySessionKillTask"));
        assertThat(stats.tasksCreated()).isEqualTo(created);
        Map<String, Long> perInstance = new HashMap<>();
        for (Outcome o : outcomes) {
            if (o.error() == null) {
                perInstance.merge(o.instanceId(), 1L, Long::sum);
            }
        }
        Map<String, Long> emulatorPerInstance = new HashMap<>();
        for (EmulatorStats.Task t : stats.tasks()) {
            emulatorPerInstance.merge(t.instanceId(), 1L, Long::sum);
        }
        assertThat(emulatorPerInstance).isEqualTo(perInstance);
        assertThat(created).isGreaterThan(WATCHES / 2);
        assertTrueTerminalStatesWithoutRegressions(outcomes);
        assertRateClaim(stats, true);
        assertThat(client.stats().watchedTasks()).isZero();
    }
}
