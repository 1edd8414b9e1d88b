package dev.dbbrain.benchmarks;

import dev.dbbrain.reactive.ratelimit.RateLimiter;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Accuracy under load: 1,000 concurrent subscribers each take permits one after the other for a fixed time, none
 * of them blocking a thread; every grant's moment is recorded. Reported per limiter: the most grants in any sliding
 * second (the service allows 20) and the share of the 20/s budget used.
 *
 * <p>Each limiter is set up as its documentation suggests for "20 per second": ours with its defaults (19/s,
 * burst 1, the library's choice for a limit of 20); Bucket4j as its classic example (capacity 20, greedy refill
 * of 20/s) and with a burst of one (capacity 1, 20/s); resilience4j with 20 permits per 1 s period. Bucket4j waits
 * through {@code asScheduler().consume} (a reservation), resilience4j through {@code reservePermission()} and a
 * scheduled delay.
 *
 * <p>Usage: {@code LimiterAccuracy [--subscribers 1000] [--seconds 15] [--out FILE]}.
 */
public final class LimiterAccuracy {

    private static final String ACTION = "DescribeProxySessionKillTasks";
    private static final int LIMIT = 20;

    private LimiterAccuracy() {
    }

    /**
     * Runs each limiter in turn and prints one JSON line per limiter.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = Options.parse(args);
        int subscribers = Integer.parseInt(o.getOrDefault("subscribers", "1000"));
        Duration run = Duration.ofSeconds(Long.parseLong(o.getOrDefault("seconds", "15")));
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        StringBuilder out = new StringBuilder();
        System.out.println("# limiter accuracy, " + subscribers + " subscribers, " + run.toSeconds() + " s each, "
                + JvmProbe.machine());

        RateLimiter ours = RateLimiter.builder().build();
        out.append(measure("ours (19/s, burst 1)", subscribers, run, () -> ours.acquire(ACTION))).append('\n');

        Bucket classic = Bucket.builder().addLimit(Bandwidth.builder().capacity(LIMIT)
                .refillGreedy(LIMIT, Duration.ofSeconds(1)).build()).build();
        out.append(measure("bucket4j (capacity 20, 20/s)", subscribers, run,
                () -> Mono.fromFuture(() -> classic.asScheduler().consume(1, executor), true))).append('\n');

        Bucket single = Bucket.builder().addLimit(Bandwidth.builder().capacity(1)
                .refillGreedy(LIMIT, Duration.ofSeconds(1)).build()).build();
        out.append(measure("bucket4j (capacity 1, 20/s)", subscribers, run,
                () -> Mono.fromFuture(() -> single.asScheduler().consume(1, executor), true))).append('\n');

        io.github.resilience4j.ratelimiter.RateLimiter r4j = io.github.resilience4j.ratelimiter.RateLimiter.of(
                "accuracy", RateLimiterConfig.custom().limitForPeriod(LIMIT).limitRefreshPeriod(Duration.ofSeconds(1))
                        .timeoutDuration(Duration.ofHours(1)).build());
        out.append(measure("resilience4j (20 per 1 s period)", subscribers, run, () -> Mono.defer(() -> {
            long wait = r4j.reservePermission();
            if (wait < 0) {
                return Mono.error(new IllegalStateException("resilience4j refused a reservation"));
            }
            return wait == 0 ? Mono.empty() : Mono.delay(Duration.ofNanos(wait)).then();
        }))).append('\n');
        executor.shutdownNow();
        if (o.containsKey("out")) {
            java.nio.file.Path file = java.nio.file.Path.of(o.get("out"));
            java.nio.file.Files.writeString(file, out.toString());
            // Beside it: limiter, seconds since start, grants in the last second (Charts draws it).
            java.nio.file.Path dir = file.toAbsolutePath().getParent();
            java.nio.file.Files.writeString(dir.resolve("limiter-timeline.csv"), "limiter,seconds,grantsInLastSecond\n"
                    + TIMELINE);
        }
        System.exit(0);
    }

    private static final StringBuilder TIMELINE = new StringBuilder();

    private static String measure(String name, int subscribers, Duration run, Supplier<Mono<?>> acquire) {
        long[] grants = new long[1_000_000];
        AtomicInteger count = new AtomicInteger();
        long start = System.nanoTime();
        long end = start + run.toNanos();
        Flux.range(0, subscribers)
                .flatMap(i -> Mono.defer(acquire::get).then(Mono.fromRunnable(() -> {
                    long now = System.nanoTime();
                    if (now < end) {
                        grants[count.getAndIncrement()] = now;
                    }
                })).repeat(() -> System.nanoTime() < end).then(), subscribers)
                .take(run.plusSeconds(1))
                .blockLast(run.plusSeconds(30));
        long[] times = Arrays.copyOf(grants, count.get());
        Arrays.sort(times);
        int maxInSecond = 0;
        for (int i = 0, j = 0; i < times.length; i++) {
            while (times[i] - times[j] >= 1_000_000_000L) {
                j++;
            }
            maxInSecond = Math.max(maxInSecond, i - j + 1);
        }
        // Grants in the last second, every 100 ms: the limiter's rate over time, for the chart against 20/s.
        for (long t = start + 100_000_000L, i = 0, j = 0; t <= end; t += 100_000_000L) {
            while (i < times.length && times[(int) i] <= t) {
                i++;
            }
            while (j < i && times[(int) j] <= t - 1_000_000_000L) {
                j++;
            }
            TIMELINE.append(String.format(Locale.ROOT, "%s,%.1f,%d%n", name.replace(",", ";"), (t - start) / 1e9,
                    i - j));
        }
        double seconds = run.toNanos() / 1e9;
        String json = String.format(Locale.ROOT, "{\"limiter\":\"%s\",\"subscribers\":%d,\"seconds\":%.0f,"
                + "\"grants\":%d,\"maxInAnySecond\":%d,\"excessOver20\":%d,\"budgetUsed\":%.3f}", name, subscribers,
                seconds, times.length, maxInSecond, Math.max(0, maxInSecond - LIMIT),
                times.length / (LIMIT * seconds));
        System.out.println(json);
        return json;
    }
}
