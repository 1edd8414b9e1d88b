package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.testing.SchedulerClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * An emulator and a client that share one virtual clock: tasks advance, polls fire and deadlines pass only when the
 * test advances {@link #time}. HTTP still travels over loopback in real time, so after each step the test waits,
 * in real time, until every poll in flight has been answered and handled ({@link #settle()}).
 */
final class VirtualWorld implements AutoCloseable {

    static final String ID = "AKIDvirtualworld";
    static final String KEY = "virtual-world-key";
    static final Instant EPOCH = Instant.parse("2026-11-28T00:00:00Z");

    final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    final Clock clock = new SchedulerClock(time, EPOCH);
    final DbbrainEmulator emulator;
    final DbbrainClient client;

    VirtualWorld(UnaryOperator<DbbrainEmulator.Builder> emulatorSettings,
            UnaryOperator<DbbrainClient.Builder> clientSettings) {
        emulator = emulatorSettings.apply(DbbrainEmulator.builder().credentials(ID, KEY).clock(clock).scheduler(time)
                .rateLimit(0).proxies(3).stepDuration(Duration.ofSeconds(10))).start();
        client = clientSettings.apply(DbbrainClient.builder().endpoint(emulator.endpoint())
                .credentials(Credentials.of(ID, KEY)).clock(clock).scheduler(time)
                .rateLimiter(RateLimiter.unlimited()).responseTimeout(Duration.ofSeconds(10))).build();
    }

    /** Watch options on the virtual clock: 1 s interval, no jitter. */
    WatchOptions options() {
        return WatchOptions.defaults().scheduler(time).jitter(0);
    }

    long create(String instanceId) {
        return client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(instanceId))
                .block(Duration.ofSeconds(10)).asyncRequestId();
    }

    /** Waits in real time until no poll is in flight: answered, handled, and the next one scheduled. */
    void settle() {
        awaitReal(() -> client.stats().pollsInFlight() == 0, "no poll in flight");
    }

    /**
     * Waits in real time until each subscriber has been told its end. {@link #settle()} is not enough for that: an
     * answer that ends the last watch of an instance is done with (no longer in flight) before its subscribers are
     * told, on the thread that handles it.
     */
    void awaitEnd(reactor.test.subscriber.TestSubscriber<?>... subscribers) {
        for (reactor.test.subscriber.TestSubscriber<?> s : subscribers) {
            awaitReal(s::isTerminated, "the subscriber told its end");
        }
    }

    void awaitWatchedTasks(int n) {
        awaitReal(() -> client.stats().watchedTasks() == n, "watched tasks == " + n);
    }

    void awaitDescribes(long n) {
        awaitReal(() -> describes() == n, "Describe requests received == " + n);
    }

    private static void awaitReal(java.util.function.BooleanSupplier condition, String what) {
        // A bound on real time that a loaded machine meets (the condition usually holds within milliseconds).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Advances virtual time in steps, settling after each. */
    void advance(Duration total, Duration step) {
        settle();
        for (Duration done = Duration.ZERO; done.compareTo(total) < 0; done = done.plus(step)) {
            advanceTimeBy(step);
            settle();
        }
    }

    /**
     * Advances virtual time and waits, in real time, until the timers due by then have run. A
     * {@link VirtualTimeScheduler} runs due timers on whichever thread is draining it: when a Netty thread is (an
     * answer's handler scheduling the next poll), {@code advanceTimeBy} leaves the new time to that thread and returns
     * at once, and a settle right after it could find nothing in flight only because the due polls have not started.
     * The scheduler's clock reaches the new time when the pass that ran them is over.
     */
    void advanceTimeBy(Duration step) {
        long target = time.now(TimeUnit.NANOSECONDS) + step.toNanos();
        time.advanceTimeBy(step);
        awaitReal(() -> time.now(TimeUnit.NANOSECONDS) >= target, "virtual time at its new value");
    }

    void advance(Duration total) {
        advance(total, Duration.ofMillis(500));
    }

    long requests() {
        return client.stats().requests();
    }

    long describes() {
        return emulator.stats().requests().getOrDefault("DescribeProxySessionKillTasks", 0L);
    }

    @Override
    public void close() {
        client.close();
        // Lets the emulator's delayed answers (latency runs on virtual time) go out, so that it stops at once.
        time.advanceTimeBy(Duration.ofHours(1));
        emulator.close();
        time.dispose();
    }
}
