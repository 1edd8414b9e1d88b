package dev.dbbrain.reactive.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Closes Lettuce connections and clients without trusting Lettuce to return: every close of the library's Redis
 * connections goes through here (the rate limiter's store, the fleet's, the Spring integration's client).
 *
 * <p>Why: Lettuce 7.7's {@code closeAsync()} is not asynchronous all the way. On the calling thread, inside the
 * subscription, it takes the endpoint's {@code SharedLock} exclusively, and {@code SharedLock.lockWritersExclusive}
 * spins, with no bound and no yield, until the endpoint's count of writers in flight equals the calling thread's own
 * (redis/lettuce#3880, #3804, PR #3882, open). A count that never drains — a writer that left {@code write()} by an
 * error thrown from the lock itself, which decrements a count it never incremented; a writer held by a thread that
 * waits for the spinner — spins the closer for ever: a caller's {@code close().block(timeout)} cannot time out, and
 * an event loop that closes is lost. A client's {@code shutdownAsync()} closes every connection the same way.
 *
 * <p>So here the steps run one after the other on a daemon thread of their own (blocking there is allowed: it waits
 * for each step's future), and the returned {@link Mono} completes when they have, or when the bound passes on the
 * given scheduler, whichever comes first. Past the bound it logs one warning naming the Lettuce issue and completes
 * anyway: the caller gets its thread back whatever Lettuce does, and the stuck close carries on on its own thread. A
 * step that fails is logged at debug level (its class only: a Lettuce message may repeat a URI) and the next one
 * runs. The description given names the resource without credentials (host and port, never the URI).
 */
public final class LettuceClose {

    /** How long a close waits for Lettuce before it completes without it. */
    public static final Duration BOUND = Duration.ofSeconds(10);

    /** The Lettuce issue the warning names. */
    static final String ISSUE = "https://github.com/redis/lettuce/issues/3880";

    private static final System.Logger LOG = System.getLogger(LettuceClose.class.getName());
    private static final AtomicLong THREADS = new AtomicLong();

    private LettuceClose() {
    }

    /**
     * Runs {@code steps} in order on a thread of their own, each once the previous one's future has completed.
     * Nothing starts before subscription; subscribe without waiting to close in the background (a replaced
     * connection, a close asked from inside a Lettuce callback).
     *
     * @param what the resource, for the warning: no credentials
     * @param timer the scheduler whose timer bounds the wait
     * @param bound how long to wait before completing without Lettuce
     * @param steps Lettuce's closing calls ({@code connection::closeAsync}, {@code client::shutdownAsync}); a step may
     *     block its thread before it returns its future
     * @return completes when the steps have, or when {@code bound} has passed; never fails (unless {@code timer}
     *     refuses the timer, disposed)
     */
    public static Mono<Void> close(String what, Scheduler timer, Duration bound,
            List<? extends Callable<? extends CompletionStage<?>>> steps) {
        if (steps.isEmpty()) {
            return Mono.empty();
        }
        return Mono.defer(() -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    for (Callable<? extends CompletionStage<?>> step : steps) {
                        try {
                            step.call().toCompletableFuture().join();
                        } catch (Throwable e) {
                            Throwable cause = e.getCause() != null ? e.getCause() : e;
                            LOG.log(System.Logger.Level.DEBUG, "Closing {0}: a step failed ({1}); going on",
                                    what, cause.getClass().getName());
                        }
                    }
                } finally {
                    done.complete(null);
                }
            }, "dbbrain-lettuce-close-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            thread.start();
            return Mono.fromFuture(done, true).timeout(bound, Mono.fromRunnable(() -> LOG.log(
                    System.Logger.Level.WARNING, "Closing {0} did not finish within {1} ms; carried on without "
                            + "it. Lettuce''s close can spin for ever on a connection whose count of writers in "
                            + "flight never drains ({2}); the thread {3} is left to it",
                    what, String.valueOf(bound.toMillis()), ISSUE, thread.getName())), timer);
        });
    }
}
