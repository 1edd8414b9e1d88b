package dev.dbbrain.benchmarks;

import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.ratelimit.RateLimiterState;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * The cost of taking a permit that is there: ours ({@code RateLimiter.acquire(action)}, a Mono subscribed to),
 * Bucket4j (synchronous {@code tryConsume}, and {@code asScheduler().consume}, its non-blocking form returning a
 * future) and resilience4j ({@code acquirePermission}), uncontended (one thread) and contended (four threads on one
 * limiter). Every limiter gets a rate far above what the loop can take, so nothing waits: this is the grant path.
 * Our limiter's state is read after each iteration and any permit that had to wait is reported (it would make the
 * figure a wait, not a grant).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class LimiterBenchmark {

    private static final String ACTION = "DescribeProxySessionKillTasks";
    /**
     * Permits per second: above any loop's pace here. Not higher, because our bucket keeps a ring of
     * {@code burst + rate} send times for pacing (80 MB at this rate; see RESULTS.md).
     */
    private static final int RATE = 10_000_000;

    private RateLimiter ours;
    private Bucket bucket4j;
    private io.github.resilience4j.ratelimiter.RateLimiter resilience4j;
    private ScheduledExecutorService bucket4jScheduler;
    private final AtomicLong notGrantedAtOnce = new AtomicLong();

    /** Builds the three limiters with the same rate. */
    @Setup
    public void setup() {
        ours = RateLimiter.builder().permitsPerSecond(RATE).burst(RATE).build();
        bucket4j = Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(RATE).refillGreedy(RATE, Duration.ofSeconds(1)).build())
                .build();
        resilience4j = io.github.resilience4j.ratelimiter.RateLimiter.of("bench", RateLimiterConfig.custom()
                .limitForPeriod(RATE).limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO)
                .build());
        bucket4jScheduler = Executors.newSingleThreadScheduledExecutor();
    }

    /** Reports any of our permits that had to wait during the iteration. */
    @TearDown(Level.Iteration)
    public void checkNothingWaited() {
        RateLimiterState state = ours.state(ACTION);
        if (notGrantedAtOnce.get() > 0 || state.queued() > 0) {
            System.out.println("ours: " + notGrantedAtOnce.get() + " acquire(s) not granted at once; " + state);
        }
    }

    /** Stops Bucket4j's scheduler. */
    @TearDown
    public void tearDown() {
        bucket4jScheduler.shutdownNow();
    }

    /** A subscriber that only notes whether the permit came while subscribing. */
    private static final class Grant implements CoreSubscriber<Void> {
        boolean done;

        @Override
        public void onSubscribe(Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Void unused) {
        }

        @Override
        public void onError(Throwable t) {
            done = true;
        }

        @Override
        public void onComplete() {
            done = true;
        }
    }

    private boolean acquireOurs() {
        Grant grant = new Grant();
        ours.acquire(ACTION).subscribe(grant);
        if (!grant.done) {
            notGrantedAtOnce.incrementAndGet();
        }
        return grant.done;
    }

    /** Ours, one thread. */
    @Benchmark
    @Threads(1)
    public boolean oursUncontended() {
        return acquireOurs();
    }

    /** Bucket4j tryConsume, one thread. */
    @Benchmark
    @Threads(1)
    public boolean bucket4jTryConsumeUncontended() {
        return bucket4j.tryConsume(1);
    }

    /** Bucket4j asScheduler().consume, one thread: a CompletableFuture, completed at once here. */
    @Benchmark
    @Threads(1)
    public CompletableFuture<Void> bucket4jSchedulerUncontended() {
        return bucket4j.asScheduler().consume(1, bucket4jScheduler);
    }

    /** resilience4j acquirePermission, one thread. */
    @Benchmark
    @Threads(1)
    public boolean resilience4jUncontended() {
        return resilience4j.acquirePermission();
    }

    /** Ours, four threads on one limiter. */
    @Benchmark
    @Threads(4)
    public boolean oursContended() {
        return acquireOurs();
    }

    /** Bucket4j tryConsume, four threads. */
    @Benchmark
    @Threads(4)
    public boolean bucket4jTryConsumeContended() {
        return bucket4j.tryConsume(1);
    }

    /** Bucket4j asScheduler().consume, four threads. */
    @Benchmark
    @Threads(4)
    public CompletableFuture<Void> bucket4jSchedulerContended() {
        return bucket4j.asScheduler().consume(1, bucket4jScheduler);
    }

    /** resilience4j acquirePermission, four threads. */
    @Benchmark
    @Threads(4)
    public boolean resilience4jContended() {
        return resilience4j.acquirePermission();
    }
}
