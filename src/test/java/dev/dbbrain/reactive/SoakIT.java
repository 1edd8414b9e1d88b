package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorStats;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.testing.LossyProxy;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * A soak: kills started continuously (one Create per fresh instance, two watches per task) through every fault
 * kind at once, while the test samples the client's live state, heap after GC, thread count and the emulator's
 * counters. Every watch must reach its task's true end, and afterwards everything must be back where it started:
 * no watch, poll, timer or limiter waiter left, no request arriving, threads and heap at their baseline.
 *
 * <p>30 s in the suite. A longer run by hand, figures in {@code benchmarks/RESULTS.md}:
 * <pre>
 * ./mvnw -B verify -Dtest=NONE -Dit.test=SoakIT -Dsoak.seconds=300 -Djunit.jupiter.execution.timeout.mode=disabled \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 */
class SoakIT {

    private static final String ID = "AKIDsoak";
    private static final String KEY = "soak-key";
    private static final int WATCHERS_PER_TASK = 2;
    /** Kills started per wave, one wave every 250 ms, at most this many waves running. */
    private static final int WAVE = 12;
    private static final int MAX_WAVES = 16;
    private static final String DESCRIBE = "DescribeProxySessionKillTasks";
    /**
     * The load a soak must have carried, whatever the machine: it goes on past its seconds until the kills that
     * ended had this many watches (a loaded machine starts fewer waves per second, {@link #MAX_WAVES} running at
     * most, and more of its Creates fail for good through the faults), for up to {@link #MAX_EXTRA_SECONDS} more.
     */
    private static final int MIN_WATCHES = 1000;
    private static final long MAX_EXTRA_SECONDS = 300;

    private record Sample(long second, ClientStats stats, long heapMiB, int threads, long received) {
        @Override
        public String toString() {
            return String.format("%4ds: watched tasks %4d, polls in flight %3d, timers %3d, requests %6d,"
                    + " emulator received %6d, heap %4d MiB, threads %3d", second, stats.watchedTasks(),
                    stats.pollsInFlight(), stats.timers(), stats.requests(), received, heapMiB, threads);
        }
    }

    /** Watches of the kills summed up so far: those whose Create succeeded, each with its watchers. */
    private static long watchesOfEndedKills(Collection<KillWorkload.Summary> summaries) {
        return summaries.stream().filter(s -> !s.createFailed()).count() * WATCHERS_PER_TASK;
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void thousandsOfWatchesThroughFaultsLeaveLiveStateFlat() {
        long seconds = Long.getLong("soak.seconds", 30);
        DbbrainEmulator emulator = DbbrainEmulator.builder().credentials(ID, KEY).rateLimit(0)
                .stepDuration(Duration.ofMillis(200)).proxies(3).proxyFailureProbability(0.1)
                .fault502(0.03).faultReset(0.03).faultMalformed(0.03).faultInternalError(0.03).faultThrottle(0.03)
                .start();
        LossyProxy proxy = LossyProxy.start(emulator.endpoint(), 0.03, 7);
        RateLimiter limiter = RateLimiter.builder().permitsPerSecond(400).burst(40).build();
        DbbrainClient client = DbbrainClient.builder().endpoint(proxy.endpoint())
                .credentials(Credentials.of(ID, KEY)).rateLimiter(limiter).maxRetries(15)
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(200)).build();
        WatchOptions options = WatchOptions.defaults().pollInterval(Duration.ofMillis(200))
                .deadline(Duration.ofSeconds(120));
        try {
            // Warm-up wave: schedulers, event loops and classes exist from here on; then the baseline.
            KillWorkload.run(client, instances(-1), WATCHERS_PER_TASK, options).then().block(Duration.ofSeconds(60));
            int threads0 = threads();
            long heap0 = heapAfterGc();

            ConcurrentLinkedQueue<KillWorkload.Summary> summaries = new ConcurrentLinkedQueue<>();
            AtomicInteger waves = new AtomicInteger();
            long t0 = System.nanoTime();
            Disposable load = Flux.interval(Duration.ofMillis(250))
                    .takeWhile(tick -> System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(seconds)
                            || watchesOfEndedKills(summaries) < MIN_WATCHES)
                    .take(Duration.ofSeconds(seconds + MAX_EXTRA_SECONDS))
                    .onBackpressureDrop()
                    .flatMap(wave -> KillWorkload.run(client, instances(waves.getAndIncrement()), WATCHERS_PER_TASK,
                            options).map(KillWorkload.Outcome::summary), MAX_WAVES)
                    .subscribe(summaries::add);
            List<Sample> samples = new ArrayList<>();
            long sampleEvery = Math.max(1, seconds / 30);
            for (long s = 0; !load.isDisposed(); s++) {
                park(Duration.ofSeconds(1));
                if (s % sampleEvery == 0) {
                    samples.add(sample(s, client, emulator, seconds > 60));
                    System.out.println("soak " + samples.get(samples.size() - 1));
                }
                assertThat(s).as("soak still running").isLessThan(seconds + MAX_EXTRA_SECONDS + 180);
            }
            long elapsed = System.nanoTime() - t0;
            // Live state bounded by the load all along: loops only for the kills running, one poll and at most one
            // timer per loop.
            assertThat(samples).allSatisfy(sample -> {
                assertThat(sample.stats().watchedTasks()).isLessThanOrEqualTo(MAX_WAVES * WAVE);
                assertThat(sample.stats().pollsInFlight() + sample.stats().timers())
                        .isLessThanOrEqualTo(MAX_WAVES * WAVE);
            });

            // Afterwards: nothing left running, and nothing more arrives at the emulator.
            KillWorkload.awaitIdle(client);
            ClientStats after = client.stats();
            assertThat(limiter.state(DESCRIBE).queued()).isZero();
            assertThat(limiter.state("CreateProxySessionKillTask").queued()).isZero();
            long received = received(emulator);
            park(Duration.ofSeconds(2));
            assertThat(received(emulator)).as("requests arriving after the load ended").isEqualTo(received);

            EmulatorStats stats = emulator.stats();
            List<KillWorkload.Summary> all = List.copyOf(summaries);
            KillWorkload.Tally t = KillWorkload.tally(all, WATCHERS_PER_TASK, stats,
                    stats.requests().getOrDefault(DESCRIBE, 0L));
            String figures = String.format("soak of %d s (%.1f s with drain): %d waves; %s; lost answers %d;"
                    + " emulator errors %s; client requests %d, retries %d, throttled %d", seconds, elapsed / 1e9,
                    waves.get(), KillWorkload.row("tally", t).replaceAll(" +", " "), proxy.lost(), stats.errors(),
                    after.requests(), after.retries(), after.throttled());
            System.out.println(KillWorkload.header());
            System.out.println(KillWorkload.row("soak " + seconds + " s", t));
            System.out.println(figures);
            assertThat(t.watches()).as("watches started").isGreaterThanOrEqualTo(MIN_WATCHES);
            assertThat(t.trueEnds()).as("watches that reached the true terminal state").isEqualTo(t.watches());
            assertThat(t.watchErrors()).isZero();
            assertThat(t.duplicates()).isZero();
            assertThat(t.regressions()).isZero();

            // Closed (its ended-task memory, a minute of final states, goes with it) but still referenced, its
            // peers gone: threads and heap back at their baseline.
            client.close();
            proxy.close();
            emulator.close();
            emulator = null;
            stats = null;
            all = null;
            summaries.clear();
            int threads1 = awaitThreadsAtMost(threads0);
            long heap1 = heapAfterGc();
            System.out.printf("soak baseline -> after: threads %d -> %d, heap after GC %d -> %d MiB%n", threads0,
                    threads1, heap0 >> 20, heap1 >> 20);
            assertThat(threads1).isLessThanOrEqualTo(threads0);
            // 8 MiB of slack for what the collector keeps around (allocator caches, class metadata).
            assertThat(heap1).isLessThanOrEqualTo(heap0 + (8L << 20));
        } finally {
            client.close();
            proxy.close();
            if (emulator != null) {
                emulator.close();
            }
        }
    }

    private static List<String> instances(int wave) {
        return IntStream.range(0, WAVE).mapToObj(i -> String.format("crs-w%05d%02d", wave + 1, i)).toList();
    }

    private static Sample sample(long second, DbbrainClient client, DbbrainEmulator emulator, boolean gc) {
        // Heap after GC is sampled on long runs only: a full collection each second would slow the short one.
        long heap = gc ? heapAfterGc() : ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new Sample(second, client.stats(), heap >> 20, threads(), received(emulator));
    }

    private static long received(DbbrainEmulator emulator) {
        Map<String, Long> requests = emulator.stats().requests();
        return requests.values().stream().mapToLong(Long::longValue).sum();
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static int awaitThreadsAtMost(int threads) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (threads() > threads && System.nanoTime() < deadline) {
            park(Duration.ofMillis(50));
        }
        return threads();
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            park(Duration.ofMillis(50));
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void park(Duration d) {
        LockSupport.parkNanos(d.toNanos());
    }
}
