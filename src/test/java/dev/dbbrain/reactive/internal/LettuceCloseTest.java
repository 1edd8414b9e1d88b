package dev.dbbrain.reactive.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The bounded close, with closing steps that stand in for Lettuce's: one that spins on its thread for ever, as
 * Lettuce's {@code closeAsync()} does on a connection whose writer count never drains (the real one is wedged in
 * {@code RedisConnectionCloseIT}), and well-behaved ones. The bound is virtual time; the threads are real.
 */
class LettuceCloseTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    /** Held here: JUL keeps loggers only weakly, and a new one would have no handler. */
    private final Logger log = Logger.getLogger(LettuceClose.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final VirtualTimeScheduler timer = VirtualTimeScheduler.create();
    private final AtomicBoolean released = new AtomicBoolean();

    @BeforeEach
    void capture() {
        log.setLevel(Level.ALL);
        log.addHandler(capture);
    }

    @AfterEach
    void release() {
        released.set(true);
        log.removeHandler(capture);
        log.setLevel(null);
        timer.dispose();
    }

    /** Lettuce's close on a wedged endpoint: never returns, and keeps its thread busy. */
    private Callable<CompletionStage<Void>> spinningForEver(AtomicReference<Thread> ranOn, CountDownLatch started) {
        return () -> {
            ranOn.set(Thread.currentThread());
            started.countDown();
            while (!released.get()) {
                Thread.onSpinWait();
            }
            return CompletableFuture.completedFuture(null);
        };
    }

    @Test
    void aCloseThatSpinsForEverEndsAtTheBoundOffTheCallersThreadWithOneWarningNamingTheLettuceIssue()
            throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Thread> step2 = new AtomicReference<>();

        Disposable closing = LettuceClose.close("the test's connection to 127.0.0.1:6379", timer,
                LettuceClose.BOUND, List.of(spinningForEver(ranOn, started), () -> {
                    step2.set(Thread.currentThread());
                    return CompletableFuture.completedFuture(null);
                })).subscribe(v -> { }, e -> { }, () -> done.set(true));

        // The subscribe returned (on this thread, which the old close would have spun), and the spin runs elsewhere.
        assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the close started").isTrue();
        assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
        assertThat(ranOn.get().getName()).startsWith("dbbrain-lettuce-close-");
        assertThat(ranOn.get().isDaemon()).as("never holds the JVM's exit").isTrue();
        timer.advanceTimeBy(LettuceClose.BOUND.minusMillis(1));
        assertThat(done).as("still waiting within the bound").isFalse();
        assertThat(logged).isEmpty();

        timer.advanceTimeBy(Duration.ofMillis(1));
        assertThat(done).as("complete at the bound, whatever Lettuce does").isTrue();
        assertThat(ranOn.get().getState()).as("Lettuce's close still spins, on its own thread")
                .isEqualTo(Thread.State.RUNNABLE);
        assertThat(logged).hasSize(1);
        LogRecord warning = logged.get(0);
        assertThat(warning.getLevel()).isEqualTo(Level.WARNING);
        assertThat(new SimpleFormatter().formatMessage(warning))
                .contains("the test's connection to 127.0.0.1:6379", "10000 ms", LettuceClose.ISSUE,
                        ranOn.get().getName());
        assertThat(step2.get()).as("the next step waits for the stuck one").isNull();
        closing.dispose();

        // Once Lettuce lets go, the rest of the close still runs, on the same thread.
        released.set(true);
        ranOn.get().join(WAIT.toMillis());
        assertThat(ranOn.get().isAlive()).isFalse();
        assertThat(step2.get()).isSameAs(ranOn.get());
        assertThat(logged).as("one warning per close").hasSize(1);
    }

    @Test
    void stepsRunInOrderEachAfterThePreviousOnesFutureAndTheCloseEndsWithTheLastWithoutWarning() throws Exception {
        CompletableFuture<Void> connectionClosed = new CompletableFuture<>();
        CompletableFuture<Void> clientShutDown = new CompletableFuture<>();
        List<String> calls = new CopyOnWriteArrayList<>();
        CountDownLatch clientAsked = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();

        LettuceClose.close("the test's client", timer, LettuceClose.BOUND, List.of(() -> {
            calls.add("closeAsync");
            return connectionClosed;
        }, () -> {
            calls.add("shutdownAsync");
            clientAsked.countDown();
            return clientShutDown;
        })).subscribe(v -> { }, e -> { }, () -> done.set(true));

        awaitTrue(() -> calls.contains("closeAsync"));
        assertThat(calls).as("the client is shut down after its connection has closed").containsExactly("closeAsync");
        connectionClosed.complete(null);
        assertThat(clientAsked.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(done).isFalse();
        clientShutDown.complete(null);
        awaitTrue(done::get);
        assertThat(calls).containsExactly("closeAsync", "shutdownAsync");
        timer.advanceTimeBy(LettuceClose.BOUND.multipliedBy(2));
        assertThat(logged).as("no warning for a close that finished").isEmpty();
    }

    @Test
    void aFailingStepIsLoggedAtDebugByItsClassOnlyAndTheNextStepStillRuns() throws Exception {
        AtomicBoolean shutDown = new AtomicBoolean();
        AtomicBoolean done = new AtomicBoolean();
        LettuceClose.close("the test's client", timer, LettuceClose.BOUND, List.<Callable<CompletionStage<Void>>>of(
                () -> CompletableFuture.failedFuture(new IllegalStateException("redis://:s3cret@host:6379")),
                () -> {
                    throw new IllegalStateException("redis://:s3cret@host:6379");
                },
                () -> {
                    shutDown.set(true);
                    return CompletableFuture.completedFuture(null);
                })).subscribe(v -> { }, e -> { }, () -> done.set(true));

        awaitTrue(done::get);
        assertThat(shutDown).isTrue();
        assertThat(logged).hasSize(2).allSatisfy(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.FINE);
            assertThat(new SimpleFormatter().formatMessage(r)).contains("IllegalStateException")
                    .doesNotContain("s3cret");
        });
    }

    @Test
    void nothingToCloseCompletesAtOnce() {
        assertThat(LettuceClose.close("nothing", timer, LettuceClose.BOUND, List.of()).block(Duration.ZERO))
                .isNull();
        assertThat(logged).isEmpty();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited %s", WAIT).isNegative();
            Thread.sleep(5);
        }
    }
}
