package dev.dbbrain.reactive.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.dbbrain.reactive.DbbrainCapacityException;
import dev.dbbrain.reactive.ErrorCategory;
import dev.dbbrain.reactive.internal.TimeSource;
import dev.dbbrain.reactive.internal.WriteThread;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class RateLimiterTest {

    private static final String ACTION = "DescribeProxySessionKillTasks";

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final List<Disposable> subscriptions = new ArrayList<>();

    @AfterEach
    void disposeAll() {
        subscriptions.forEach(Disposable::dispose);
        time.dispose();
    }

    private RateLimiter limiter(double rate, int burst) {
        return RateLimiter.builder().permitsPerSecond(rate).burst(burst).scheduler(time).build();
    }

    /** Subscribes a waiter that records its name and the virtual time of its grant. */
    private Disposable waiter(RateLimiter limiter, String name, List<String> grants) {
        Disposable d = limiter.acquire(ACTION)
                .subscribe(null, null, () -> grants.add(name + "@" + time.now(TimeUnit.MILLISECONDS)));
        subscriptions.add(d);
        return d;
    }

    @Test
    void availablePermitsAreGrantedWithinSubscribeAndOnlyAtSubscription() {
        RateLimiter limiter = limiter(10, 2);
        List<String> grants = new CopyOnWriteArrayList<>();
        Mono<Void> cold = limiter.acquire(ACTION);
        assertThat(limiter.state(ACTION).granted()).isZero();
        subscriptions.add(cold.subscribe(null, null, () -> grants.add("first")));
        subscriptions.add(cold.subscribe(null, null, () -> grants.add("second")));
        assertThat(grants).containsExactly("first", "second");
        waiter(limiter, "third", grants);
        assertThat(grants).hasSize(2);
        assertThat(limiter.state(ACTION).queued()).isEqualTo(1);
        time.advanceTimeBy(Duration.ofMillis(100));
        assertThat(grants).containsExactly("first", "second", "third@100");
        assertThat(limiter.state(ACTION).granted()).isEqualTo(3);
        assertThat(limiter.state(ACTION).totalWait()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void waitersAreServedFirstComeFirstServedAtTheConfiguredRate() {
        RateLimiter limiter = limiter(10, 1);
        List<String> grants = new CopyOnWriteArrayList<>();
        for (String name : List.of("a", "b", "c", "d", "e")) {
            waiter(limiter, name, grants);
        }
        assertThat(grants).containsExactly("a@0");
        time.advanceTimeBy(Duration.ofMillis(400));
        assertThat(grants).containsExactly("a@0", "b@100", "c@200", "d@300", "e@400");
        assertThat(limiter.state(ACTION).granted()).isEqualTo(5);
        assertThat(limiter.state(ACTION).totalWait()).isEqualTo(Duration.ofMillis(100 + 200 + 300 + 400));
    }

    @Test
    void aCancelledWaiterGivesItsPlaceBackAndConsumesNothing() {
        RateLimiter limiter = limiter(10, 1);
        List<String> grants = new CopyOnWriteArrayList<>();
        waiter(limiter, "a", grants);
        Disposable b = waiter(limiter, "b", grants);
        waiter(limiter, "c", grants);
        assertThat(limiter.state(ACTION).queued()).isEqualTo(2);
        b.dispose();
        assertThat(limiter.state(ACTION).queued()).isEqualTo(1);
        time.advanceTimeBy(Duration.ofMillis(100));
        assertThat(grants).containsExactly("a@0", "c@100");
        assertThat(limiter.state(ACTION).granted()).isEqualTo(2);
        // The permit b did not take is still there for the next one after c, on schedule.
        waiter(limiter, "d", grants);
        time.advanceTimeBy(Duration.ofMillis(100));
        assertThat(grants).containsExactly("a@0", "c@100", "d@200");
    }

    @Test
    void aDownstreamTimeoutCoversTheWaitAndLeavesTheQueue() {
        RateLimiter limiter = limiter(1, 1);
        limiter.acquire(ACTION).subscribe();
        StepVerifier.create(limiter.acquire(ACTION).timeout(Duration.ofMillis(300), time))
                .then(() -> assertThat(limiter.state(ACTION).queued()).isEqualTo(1))
                .then(() -> time.advanceTimeBy(Duration.ofMillis(300)))
                .expectError(TimeoutException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(limiter.state(ACTION).queued()).isZero();
        List<String> grants = new CopyOnWriteArrayList<>();
        waiter(limiter, "next", grants);
        time.advanceTimeBy(Duration.ofMillis(700));
        assertThat(grants).containsExactly("next@1000");
        assertThat(limiter.state(ACTION).granted()).isEqualTo(2);
    }

    @Test
    void anIdleBucketHoldsOnlyItsBurst() {
        RateLimiter limiter = limiter(10, 3);
        List<String> grants = new CopyOnWriteArrayList<>();
        time.advanceTimeBy(Duration.ofSeconds(60));
        for (int i = 0; i < 5; i++) {
            waiter(limiter, "w" + i, grants);
        }
        assertThat(grants).containsExactly("w0@60000", "w1@60000", "w2@60000");
        time.advanceTimeBy(Duration.ofMillis(200));
        assertThat(grants).hasSize(5).endsWith("w3@60100", "w4@60200");
    }

    @Test
    void aSaturatingLoadNeverExceedsTwentyInAnySlidingSecondAndUsesAtLeast95PercentOfIt() {
        RateLimiter limiter = RateLimiter.builder().scheduler(time).build();
        List<Long> at = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 1000; i++) {
            subscriptions.add(limiter.acquire(ACTION).subscribe(null, null,
                    () -> at.add(time.now(TimeUnit.MILLISECONDS))));
        }
        time.advanceTimeBy(Duration.ofSeconds(20));
        int max = 0;
        for (int i = 0; i < at.size(); i++) {
            int j = i;
            while (j < at.size() && at.get(j) - at.get(i) <= 1000) {
                j++;
            }
            max = Math.max(max, j - i);
        }
        assertThat(max).isLessThanOrEqualTo(20);
        // Grants in [0 s, 20 s]: the budget of 20 s at 20 per second is 400.
        assertThat(at.size()).isGreaterThanOrEqualTo(380);
    }

    @Test
    void writesHeldBackAndReleasedTogetherArePacedApartAgain() {
        // 25 granted requests released at once (a cold JVM): burst 1 + floor(19) = 20 writes per 1.05 s, and no two
        // writes closer than half a permit (26 ms).
        WritePacer pacer = new WritePacer(19, 1, TimeSource.of(time));
        List<Long> writes = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 25; i++) {
            subscriptions.add(pacer.pace(Mono.fromRunnable(() -> writes.add(time.now(TimeUnit.MILLISECONDS))))
                    .subscribe());
        }
        time.advanceTimeBy(Duration.ofSeconds(3));
        assertThat(writes).hasSize(25);
        for (int i = 1; i < writes.size(); i++) {
            assertThat(writes.get(i) - writes.get(i - 1)).isGreaterThanOrEqualTo(26);
        }
        for (int i = 20; i < writes.size(); i++) {
            assertThat(writes.get(i) - writes.get(i - 20)).isGreaterThanOrEqualTo(1050);
        }
    }

    @Test
    void aLimiterFarAboveAnyServiceLimitIsBuiltWithoutARingPerPermitAndStillPacesNothingBack() {
        // burst + rate of 2^31 + 10^12: a ring of one long per permit would not even fit in an array.
        TokenBucket bucket = new TokenBucket(ACTION, new TokenBucket.Settings(1e12, Integer.MAX_VALUE, 0.5, 0.05,
                0.1, RateLimiter.DEFAULT_MAX_QUEUED), TimeSource.of(time));
        List<Long> writes = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            subscriptions.add(bucket.acquirePermit()
                    .flatMap(permit -> permit.write(Mono.fromRunnable(() -> writes.add(time.now(TimeUnit.MILLISECONDS)))))
                    .subscribe());
        }
        time.advanceTimeBy(Duration.ofMillis(1));
        assertThat(writes).hasSize(1_000).allSatisfy(at -> assertThat(at).isLessThanOrEqualTo(1));
        assertThat(RateLimiter.builder().permitsPerSecond(1e9).burst(1).build().acquire(ACTION)
                .then(Mono.just("granted")).block(Duration.ofSeconds(5))).isEqualTo("granted");
    }

    @Test
    void aWriteThatLeftLateHoldsBackTheOneTwentyPlacesAfterIt() {
        WritePacer pacer = new WritePacer(19, 1, TimeSource.of(time));
        // The first request reaches the wire only 300 ms after its slot.
        subscriptions.add(pacer.pace(Mono.delay(Duration.ofMillis(300), time).then()).subscribe());
        time.advanceTimeBy(Duration.ofMillis(300));
        List<Long> writes = new CopyOnWriteArrayList<>();
        for (int i = 1; i <= 20; i++) {
            subscriptions.add(pacer.pace(Mono.fromRunnable(() -> writes.add(time.now(TimeUnit.MILLISECONDS))))
                    .subscribe());
        }
        time.advanceTimeBy(Duration.ofSeconds(3));
        // The 21st write waits for 1.05 s after the first one's real write, not after its slot.
        assertThat(writes.get(19)).isGreaterThanOrEqualTo(300 + 1050);
    }

    @Test
    void writesQueuedOnAStarvedWriteThreadAreAdmittedThereWithinTheWindow() {
        // The write thread (a connection's event loop) is an executor run by hand: it stalls for 900 ms while the
        // slots of the first 18 of 40 requests, all granted at once, fire and queue their writes; then it runs
        // every millisecond. Planned slots alone would let those 18 leave together at 900 ms and the 21st at its
        // slot of 1,050 ms: 21 writes in 150 ms. Checked on the write thread, the writes keep 20 per 1.05 s
        // (burst 1 + floor(19)) and half a permit (26 ms) apart, counted from when they really leave.
        WritePacer pacer = new WritePacer(19, 1, TimeSource.of(time));
        Queue<Runnable> loop = new ConcurrentLinkedQueue<>();
        Executor starved = loop::add;
        List<Long> writes = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 40; i++) {
            subscriptions.add(pacer.pace(Mono.fromRunnable(() -> writes.add(time.now(TimeUnit.MILLISECONDS))))
                    .contextWrite(WriteThread.context(starved)).subscribe());
        }
        time.advanceTimeBy(Duration.ofMillis(900));
        assertThat(writes).isEmpty();
        assertThat(loop).hasSizeGreaterThanOrEqualTo(18);
        for (int ms = 0; ms < 5_000; ms++) {
            for (Runnable task = loop.poll(); task != null; task = loop.poll()) {
                task.run();
            }
            time.advanceTimeBy(Duration.ofMillis(1));
        }
        assertThat(writes).hasSize(40);
        assertThat(writes.get(0)).isEqualTo(900);
        for (int i = 1; i < writes.size(); i++) {
            assertThat(writes.get(i) - writes.get(i - 1)).as("gap before write %d", i).isGreaterThanOrEqualTo(26);
        }
        for (int i = 20; i < writes.size(); i++) {
            assertThat(writes.get(i) - writes.get(i - 20)).as("window ending at write %d", i)
                    .isGreaterThanOrEqualTo(1050);
        }
    }

    /** A limiter as a user writes one: grants at once, reports a rate, overrides nothing else. */
    private static RateLimiter userLimiter(double reportedRate) {
        return new RateLimiter() {
            @Override
            public Mono<Void> acquire(String action) {
                return Mono.empty();
            }

            @Override
            public RateLimiterState state(String action) {
                return new RateLimiterState(action, reportedRate, 1, 0, 0, 0, Duration.ZERO);
            }
        };
    }

    private List<Long> writeTimes(RateLimiter.Permit permit, int writes) {
        List<Long> times = new CopyOnWriteArrayList<>();
        for (int i = 0; i < writes; i++) {
            subscriptions.add(permit.write(Mono.fromRunnable(() -> times.add(time.now(TimeUnit.MILLISECONDS))))
                    .subscribe());
        }
        time.advanceTimeBy(Duration.ofSeconds(5));
        return times;
    }

    @Test
    void aUserLimiterWithoutPacingOfItsOwnGetsWritesPacedAtTheRateItReports() {
        RateLimiter limiter = userLimiter(10);
        List<Long> writes = writeTimes(DefaultPacing.permit(limiter, ACTION, TimeSource.of(time)), 25);
        assertThat(writes).hasSize(25);
        for (int i = 1; i < writes.size(); i++) {
            assertThat(writes.get(i) - writes.get(i - 1)).as("half a permit apart").isGreaterThanOrEqualTo(50);
        }
        for (int i = 11; i < writes.size(); i++) {
            assertThat(writes.get(i) - writes.get(i - 11)).as("1 + 10 writes per 1.05 s").isGreaterThanOrEqualTo(1050);
        }
    }

    @Test
    void aUserLimiterReportingNoFiniteRateIsNotPacedAndAnImmediatePermitWritesAtOnce() {
        assertThat(writeTimes(DefaultPacing.permit(userLimiter(Double.POSITIVE_INFINITY), ACTION,
                TimeSource.of(time)), 25)).hasSize(25).containsOnly(0L);
        assertThat(writeTimes(RateLimiter.Permit.IMMEDIATE, 25)).hasSize(25).containsOnly(5000L);
    }

    @Test
    void theDefaultPermitOfAUserLimiterReportsThrottlingToIt() {
        List<String> throttled = new CopyOnWriteArrayList<>();
        RateLimiter limiter = new RateLimiter() {
            @Override
            public Mono<Void> acquire(String action) {
                return Mono.empty();
            }

            @Override
            public void onThrottled(String action) {
                throttled.add(action);
            }

            @Override
            public RateLimiterState state(String action) {
                return new RateLimiterState(action, 5, 1, 0, 0, 0, Duration.ZERO);
            }
        };
        RateLimiter.Permit permit = limiter.acquirePermit(ACTION, "AKIDsomeone").block(Duration.ofSeconds(1));
        permit.throttled();
        assertThat(throttled).containsExactly(ACTION);
        assertThat(limiter.acquirePermit(ACTION, null).block(Duration.ofSeconds(1))).isSameAs(permit);
    }

    @Test
    void throttlingSlowsDownMultiplicativelyAndRecoversGradually() {
        RateLimiter limiter = limiter(10, 1);
        limiter.onThrottled(ACTION);
        assertThat(limiter.state(ACTION).permitsPerSecond()).isEqualTo(5.0);
        limiter.onThrottled(ACTION);
        assertThat(limiter.state(ACTION).permitsPerSecond()).isEqualTo(2.5);
        assertThat(limiter.state(ACTION).throttles()).isEqualTo(2);
        time.advanceTimeBy(Duration.ofSeconds(2));
        assertThat(limiter.state(ACTION).permitsPerSecond()).isCloseTo(4.5, org.assertj.core.data.Offset.offset(1e-9));
        time.advanceTimeBy(Duration.ofSeconds(10));
        assertThat(limiter.state(ACTION).permitsPerSecond()).isEqualTo(10.0);
    }

    @Test
    void afterAThrottleGrantsAreSpacedByTheLowerRate() {
        RateLimiter limiter = RateLimiter.builder().permitsPerSecond(10).scheduler(time)
                .adaptive(0.5, 0.05, 1e-9).build();
        limiter.onThrottled(ACTION);
        List<String> grants = new CopyOnWriteArrayList<>();
        waiter(limiter, "a", grants);
        waiter(limiter, "b", grants);
        time.advanceTimeBy(Duration.ofMillis(400));
        // The throttle emptied the bucket: a waits one permit at 5/s, b another.
        assertThat(grants).containsExactly("a@200", "b@400");
    }

    @Test
    void actionsHaveSeparateBuckets() {
        RateLimiter limiter = limiter(1, 1);
        List<String> grants = new CopyOnWriteArrayList<>();
        waiter(limiter, "describe", grants);
        subscriptions.add(limiter.acquire("CreateProxySessionKillTask").subscribe(null, null,
                () -> grants.add("create")));
        assertThat(grants).containsExactly("describe@0", "create");
    }

    @Test
    void waitingNeverBlocksAThreadEvenFromAnEventLoopLikeScheduler() {
        // BlockHound guards the suite: a parked thread on parallel() would fail this test.
        RateLimiter limiter = RateLimiter.builder().permitsPerSecond(2000).build();
        StepVerifier.create(Flux.range(0, 200)
                        .flatMap(i -> Mono.defer(() -> limiter.acquire(ACTION)).subscribeOn(Schedulers.parallel())
                                .thenReturn(i))
                        .count())
                .expectNext(200L)
                .verifyComplete();
        assertThat(limiter.state(ACTION).granted()).isEqualTo(200);
        assertThat(limiter.state(ACTION).queued()).isZero();
    }

    @Test
    void unlimitedGrantsAtOnce() {
        StepVerifier.create(RateLimiter.unlimited().acquire(ACTION)).expectComplete().verify(Duration.ofSeconds(1));
    }

    @Test
    void invalidSettingsAreRefusedNamingTheSetting() {
        assertThatIllegalArgumentException().isThrownBy(() -> RateLimiter.builder().permitsPerSecond(0))
                .withMessageContaining("permitsPerSecond");
        assertThatIllegalArgumentException().isThrownBy(() -> RateLimiter.builder().burst(0))
                .withMessageContaining("burst");
        assertThatIllegalArgumentException().isThrownBy(() -> RateLimiter.builder().adaptive(1.5, 0.1, 0.1))
                .withMessageContaining("slowdownFactor");
    }

    @Test
    void aFullQueueRefusesTheNextWaiterAtOnceWithATypedErrorAndTheStateShowsIt() {
        RateLimiter limiter = RateLimiter.builder().permitsPerSecond(10).burst(1).maxQueued(3).scheduler(time).build();
        List<String> grants = new CopyOnWriteArrayList<>();
        for (String name : List.of("a", "b", "c", "d")) {
            waiter(limiter, name, grants);
        }
        StepVerifier.create(limiter.acquire(ACTION))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(DbbrainCapacityException.class)
                            .hasMessageContaining("3 requests already wait").hasMessageContaining("maxQueued");
                    DbbrainCapacityException capacity = (DbbrainCapacityException) e;
                    assertThat(capacity.limitName()).isEqualTo("maxQueued");
                    assertThat(capacity.limit()).isEqualTo(3);
                    assertThat(capacity.action()).isEqualTo(ACTION);
                    assertThat(capacity.category()).isEqualTo(ErrorCategory.REJECTED);
                    assertThat(capacity.isRetryable()).isFalse();
                })
                .verify(Duration.ofSeconds(1));
        RateLimiterState state = limiter.state(ACTION);
        assertThat(state.queued()).isEqualTo(3);
        assertThat(state.maxQueued()).isEqualTo(3);
        assertThat(state.rejected()).isEqualTo(1);

        // The refused waiter took nothing: the queue is served on its schedule, and a place freed is a place again.
        time.advanceTimeBy(Duration.ofMillis(100));
        assertThat(grants).containsExactly("a@0", "b@100");
        waiter(limiter, "e", grants);
        time.advanceTimeBy(Duration.ofMillis(300));
        assertThat(grants).containsExactly("a@0", "b@100", "c@200", "d@300", "e@400");
        assertThat(limiter.state(ACTION).rejected()).isEqualTo(1);
    }

    @Test
    void theDefaultCapIsGenerousAndEveryBuiltInLimiterReportsItsCap() {
        assertThat(RateLimiter.builder().build().state(ACTION).maxQueued()).isEqualTo(1000);
        assertThat(RateLimiter.unlimited().state(ACTION).maxQueued()).isEqualTo(Integer.MAX_VALUE);
        assertThat(RateLimiter.builder().build().toString()).contains("maxQueued=1000");
        assertThatIllegalArgumentException().isThrownBy(() -> RateLimiter.builder().maxQueued(0))
                .withMessageContaining("maxQueued");
        // A limiter written before the cap existed reports none.
        assertThat(new RateLimiterState(ACTION, 1, 1, 0, 0, 0, Duration.ZERO).maxQueued())
                .isEqualTo(Integer.MAX_VALUE);
    }
}
