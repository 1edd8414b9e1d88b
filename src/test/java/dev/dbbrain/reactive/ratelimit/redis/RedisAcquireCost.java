package dev.dbbrain.reactive.ratelimit.redis;

import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.testing.RedisProcess;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What an acquire costs: the in-JVM token bucket, this library's Redis limiter and Bucket4j's Lettuce module
 * (compare-and-swap), against a real redis-server on loopback. Round trips are Redis's own count of commands
 * ({@code INFO commandstats}); latency is wall time per acquire, one at a time. Then contention: four connections
 * with eight waiters each taking three permits, at 19 per second for one key, counting round trips per permit.
 *
 * <p>A measurement program, not a test: {@code ./mvnw -q -B test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=dev.dbbrain.reactive.ratelimit.redis.RedisAcquireCost}. Blocks its main thread.
 */
public final class RedisAcquireCost {

    private static final int SEQUENTIAL = 3_000;
    private static final int BLOCK = 300;
    private static final int WAITERS = 8;
    private static final int ROUNDS = 3;

    private RedisAcquireCost() {
    }

    /**
     * Runs the measurements and prints one line each.
     *
     * @param args ignored
     * @throws Exception if Redis or a measurement fails
     */
    public static void main(String[] args) throws Exception {
        try (RedisProcess redis = RedisProcess.start()) {
            local();
            sequential(redis);
            redisContention(redis);
            bucket4jContention(redis);
        }
        System.exit(0);
    }

    private static void local() {
        // The pacer's ring is sized by the rate: keep both within reason.
        RateLimiter limiter = RateLimiter.builder().permitsPerSecond(100_000).burst(100_000).build();
        AtomicLong failed = new AtomicLong();
        for (int i = 0; i < 20_000; i++) {
            limiter.acquire("warm").subscribe(null, e -> failed.incrementAndGet());
        }
        int n = 50_000;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            limiter.acquire("a").subscribe(null, e -> failed.incrementAndGet());
        }
        long nanos = System.nanoTime() - start;
        if (failed.get() > 0 || limiter.state("a").granted() != n) {
            throw new IllegalStateException("local acquires failed: " + failed + ", granted "
                    + limiter.state("a").granted());
        }
        System.out.printf(Locale.ROOT, "local token bucket: %.2f µs per acquire, 0 round trips (%d acquires)%n",
                nanos / 1e3 / n, n);
    }

    private static AsyncBucketProxy bucket4j(LettuceBasedProxyManager<byte[]> manager, String key, long capacity,
            double perSecond) {
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(capacity).refillGreedy(Math.round(perSecond),
                        Duration.ofSeconds(1)))
                .build();
        return manager.asAsync().builder().build(key.getBytes(StandardCharsets.UTF_8),
                () -> CompletableFuture.completedFuture(configuration));
    }

    /**
     * One acquire at a time, ours and Bucket4j's in alternating blocks of {@link #BLOCK}: both see the same JIT
     * warm-up and the same load on a shared machine, so their percentiles compare. Round trips are counted for each
     * from Redis's command statistics, reset before each block.
     */
    private static void sequential(RedisProcess redis) throws Exception {
        RedisLimiter limiter = (RedisLimiter) RedisRateLimiter.builder(redis.uri()).permitsPerSecond(1e6)
                .burst(1_000_000).build();
        RedisClient client = RedisClient.create(redis.uri());
        LettuceBasedProxyManager<byte[]> manager = Bucket4jLettuce.casBasedBuilder(client).build();
        AsyncBucketProxy bucket = bucket4j(manager, "b4j-seq", 1_000_000_000L, 1_000_000_000L);
        // A cold JVM on a loaded machine can miss the first connection's deadline: the warm-up tries again.
        for (int attempt = 1; ; attempt++) {
            try {
                limiter.acquire("warm").block(Duration.ofSeconds(30));
                break;
            } catch (RuntimeException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
        for (int i = 0; i < 500; i++) {
            limiter.acquire("warm").block(Duration.ofSeconds(10));
            bucket.tryConsume(1).get();
        }
        long[] ours = new long[SEQUENTIAL];
        long[] theirs = new long[SEQUENTIAL];
        long oursTrips = 0;
        long theirTrips = 0;
        Map<String, Long> oursCalls = new java.util.TreeMap<>();
        Map<String, Long> theirCalls = new java.util.TreeMap<>();
        Map<String, Integer> completedOn = new java.util.TreeMap<>();
        for (int from = 0; from < SEQUENTIAL; from += BLOCK) {
            int to = Math.min(SEQUENTIAL, from + BLOCK);
            redis.admin().configResetstat();
            for (int i = from; i < to; i++) {
                long t = System.nanoTime();
                String thread = limiter.acquire("seq")
                        .then(Mono.fromCallable(() -> Thread.currentThread().getName()))
                        .block(Duration.ofSeconds(10));
                ours[i] = System.nanoTime() - t;
                // Which thread granted it: Lettuce's event loop (no hop) or the limiter's scheduler (a hop).
                completedOn.merge(thread.replaceAll("-?\\d+$", ""), 1, Integer::sum);
            }
            Map<String, Long> calls = redis.commandCalls();
            calls.forEach((k, v) -> oursCalls.merge(k, v, Long::sum));
            oursTrips += calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L);
            redis.admin().configResetstat();
            for (int i = from; i < to; i++) {
                long t = System.nanoTime();
                bucket.tryConsume(1).get();
                theirs[i] = System.nanoTime() - t;
            }
            calls = redis.commandCalls();
            calls.forEach((k, v) -> theirCalls.merge(k, v, Long::sum));
            // Bucket4j's CAS: a GET, then an EVAL that compares and sets; the EVAL's own GET counts as its trip.
            theirTrips += calls.getOrDefault("get", 0L);
        }
        oursCalls.remove("config");
        theirCalls.remove("config");
        report("redis limiter (this library)", ours, oursTrips, oursCalls);
        System.out.println("  granted on: " + completedOn);
        report("Bucket4j Lettuce (CAS)", theirs, theirTrips, theirCalls);
        System.out.printf(Locale.ROOT, "  ours / Bucket4j, same run: p50 %.2f, p99 %.2f%n",
                (double) ours[ours.length / 2] / theirs[theirs.length / 2],
                (double) ours[ours.length * 99 / 100] / theirs[theirs.length * 99 / 100]);
        limiter.close().block(Duration.ofSeconds(10));
        client.shutdown();
    }

    private static void redisContention(RedisProcess redis) {
        List<RedisLimiter> limiters = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            limiters.add((RedisLimiter) RedisRateLimiter.builder(redis.uri()).build());
        }
        Flux.fromIterable(limiters).flatMap(l -> l.acquire("warm")).blockLast(Duration.ofSeconds(30));
        redis.admin().configResetstat();
        AtomicLong granted = new AtomicLong();
        long start = System.nanoTime();
        Flux.fromIterable(limiters)
                .flatMap(l -> Flux.range(0, WAITERS).flatMap(i -> l.acquire("contended")
                        .doOnSuccess(v -> granted.incrementAndGet()).repeat(ROUNDS - 1)))
                .blockLast(Duration.ofSeconds(60));
        Map<String, Long> calls = redis.commandCalls();
        contention("redis limiter (this library)", granted.get(), System.nanoTime() - start,
                calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L), calls);
        limiters.forEach(l -> l.close().block(Duration.ofSeconds(10)));
    }

    private static void bucket4jContention(RedisProcess redis) throws Exception {
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
        List<RedisClient> clients = new ArrayList<>();
        List<AsyncBucketProxy> buckets = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            RedisClient client = RedisClient.create(redis.uri());
            clients.add(client);
            buckets.add(bucket4j(Bucket4jLettuce.casBasedBuilder(client).build(), "b4j-contended", 1, 19));
        }
        for (AsyncBucketProxy b : buckets) {
            b.asScheduler().consume(1, timers).get();
        }
        redis.admin().configResetstat();
        AtomicLong granted = new AtomicLong();
        long start = System.nanoTime();
        Flux.fromIterable(buckets)
                .flatMap(b -> Flux.range(0, WAITERS).flatMap(i -> Mono.defer(() -> Mono.fromFuture(
                        b.asScheduler().consume(1, timers))).doOnSuccess(v -> granted.incrementAndGet())
                        .repeat(ROUNDS - 1)))
                .blockLast(Duration.ofSeconds(60));
        Map<String, Long> calls = redis.commandCalls();
        // The client sends GET, then EVAL of a compare-and-swap script (which GETs again and SETs inside Redis).
        long eval = calls.getOrDefault("eval", 0L) + calls.getOrDefault("evalsha", 0L);
        contention("Bucket4j Lettuce (CAS)", granted.get(), System.nanoTime() - start,
                eval + calls.getOrDefault("get", 0L) - eval, calls);
        clients.forEach(RedisClient::shutdown);
        timers.shutdownNow();
    }

    private static void report(String what, long[] nanos, long roundTrips, Map<String, Long> calls) {
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%s: %.2f round trips per acquire; latency p50 %.0f µs, p99 %.0f µs "
                + "(%d acquires one at a time, loopback); commands Redis ran %s%n", what,
                roundTrips / (double) nanos.length,
                nanos[nanos.length / 2] / 1e3, nanos[nanos.length * 99 / 100] / 1e3, nanos.length, calls);
    }

    private static void contention(String what, long granted, long nanos, long roundTrips,
            Map<String, Long> calls) {
        System.out.printf(Locale.ROOT, "%s under contention (4 connections x %d waiters x %d rounds, 19/s): %d "
                + "granted in %.1f s (%.1f/s), %.2f round trips per permit; commands Redis ran %s%n", what, WAITERS,
                ROUNDS, granted, nanos / 1e9, granted / (nanos / 1e9), roundTrips / (double) Math.max(1, granted),
                calls);
    }

}
