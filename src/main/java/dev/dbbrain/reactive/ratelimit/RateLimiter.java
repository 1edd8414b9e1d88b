package dev.dbbrain.reactive.ratelimit;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DbbrainTransportException;
import dev.dbbrain.reactive.internal.TimeSource;
import dev.dbbrain.reactive.internal.Validation;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Decides when a request may be sent: a budget of requests per second for each API action.
 *
 * <p>Every request a {@link DbbrainClient} sends, first attempt or retry, waits for one permit of its action. By
 * default a client uses a token bucket shared by every client in the JVM that signs with the same SecretId (the
 * service's limit belongs to the account, not to one client object); supply one with
 * {@link DbbrainClient.Builder#rateLimiter(RateLimiter)} to choose the rate, the time source or the sharing.
 *
 * <p>Waiting never blocks a thread: {@link #acquire(String)} returns a Mono that completes when the permit is
 * granted, after a scheduled delay if need be. Waiters are served first come, first served; cancelling the Mono
 * (directly, or through a downstream {@code timeout()}) before it completes gives the place back and consumes
 * nothing. The built-in limiters queue at most {@link Builder#maxQueued(int) maxQueued} waiters per action (default
 * {@value #DEFAULT_MAX_QUEUED}); one more fails at once with a {@link dev.dbbrain.reactive.DbbrainCapacityException}
 * (limit name {@code maxQueued}), which the client does not retry.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.builder().permitsPerSecond(10).build();
 * DbbrainClient client = DbbrainClient.builder().rateLimiter(limiter).build();
 * }</pre>
 */
public interface RateLimiter {

    /**
     * The default rate: 19 permits per second. With a burst of one, no sliding second ever holds more than 20 grants,
     * and a request may be delayed on its way by up to 50 ms without two of them arriving closer than the
     * service's limit of 20 per second allows.
     */
    double DEFAULT_PERMITS_PER_SECOND = 19;

    /**
     * The default cap on the requests of one action waiting for a permit: 1,000, about 53 s of backlog at the
     * default rate — longer than any caller should wait for a permit, and far more than a normal application
     * queues. One more fails at once with a {@link dev.dbbrain.reactive.DbbrainCapacityException}.
     */
    int DEFAULT_MAX_QUEUED = 1000;

    /**
     * Waits for a permit to send one request of {@code action}.
     *
     * <p>The Mono completes empty, on the caller's thread when a permit is available at once and on the limiter's
     * scheduler otherwise. Cancelling it before it completes removes the waiter from the queue without consuming a
     * permit.
     *
     * @param action the API action, such as {@code DescribeProxySessionKillTasks}
     * @return a Mono completing when the request may be sent
     */
    Mono<Void> acquire(String action);

    /**
     * Waits for a permit for one request the client is about to send, and answers the {@link Permit} through which
     * the client writes that request and reports how the service took it. This is what a {@link DbbrainClient}
     * calls for every request it sends, first attempt or retry; {@link #acquire(String)} is for using a limiter on
     * its own.
     *
     * <p>The default implementation waits for {@link #acquire(String)}, then answers a permit that paces the write
     * the way the built-in token bucket does, at the rate {@link #state(String)} reports for the action when the
     * action is first used: no more than {@code floor(rate) + 1} writes in any 1.05 s, and none closer than half a
     * permit apart (a limiter reporting an infinite or unknown rate is not paced). Its
     * {@link Permit#throttled()} calls {@link #onThrottled(String)}. So a limiter of your own needs only
     * {@code acquire} and {@code state}; override this method to pace writes differently or to keep a budget per
     * account.
     *
     * @param action the API action, such as {@code DescribeProxySessionKillTasks}
     * @param account the SecretId the request is signed with, or {@code null} for temporary credentials (whose
     *     SecretId changes at every refresh); a limiter shared by several accounts keeps one budget per account
     * @return a Mono emitting the permit when the request may be sent; cancelling it gives the place back
     */
    default Mono<Permit> acquirePermit(String action, String account) {
        return acquire(action).then(Mono.fromSupplier(() -> DefaultPacing.permit(this, action)));
    }

    /**
     * Tells the limiter that the service refused a request of {@code action} as over its rate limit: the limiter
     * slows down multiplicatively and recovers gradually. The default implementation ignores the signal.
     *
     * @param action the API action that was throttled
     */
    default void onThrottled(String action) {
    }

    /**
     * Reports the limiter's current state for one action.
     *
     * @param action the API action
     * @return a snapshot of the action's permits, waiters and counters
     */
    RateLimiterState state(String action);

    /**
     * A granted permit for one request: the client writes the request through {@link #write(Mono)} and reports a
     * throttling answer through {@link #throttled()}. Implementations must not block: both are called on Reactor
     * and Netty threads.
     */
    interface Permit {

        /** A permit that writes at once and ignores throttling answers. */
        Permit IMMEDIATE = new Permit() {
        };

        /**
         * Writes the request at the moment the limiter allows: returns a Mono that subscribes to {@code write} then.
         * The client calls it inside Reactor Netty's send callback, with the connection ready, so the moment
         * {@code write} is subscribed is the moment the request leaves. It may fail instead with a
         * {@link DbbrainTransportException} whose {@code requestSent()} is {@code false} when the request cannot
         * leave within its schedule; the client then retries it like any request that was never sent. The default
         * writes at once.
         *
         * <p>The callback runs on the connection's event loop, and a write subscribed there leaves in the same task.
         * A permit that waits on a timer subscribes {@code write} from the timer's thread: the request then leaves
         * when the event loop gets to it, which on a starved machine is later, and together with others. The built-in
         * pacing makes its last check on the event loop for that reason.
         *
         * @param write the write of the request, cold
         * @return the write, paced
         */
        default Mono<Void> write(Mono<Void> write) {
            return write;
        }

        /** The service refused this request as over its rate limit. The default ignores it. */
        default void throttled() {
        }
    }

    /**
     * A limiter that never waits, for benchmarks or when something else enforces the rate.
     *
     * @return a limiter that grants every permit at once
     */
    static RateLimiter unlimited() {
        return UnlimitedRateLimiter.INSTANCE;
    }

    /**
     * Starts a builder of a token-bucket limiter with its own buckets, not shared with the JVM-wide default.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Configures a token-bucket {@link RateLimiter}: one bucket per action, refilled continuously at
     * {@link #permitsPerSecond(double)} up to {@link #burst(int)} permits. Not thread-safe.
     *
     * <p>The most requests the bucket grants in any interval of {@code t} seconds is
     * {@code burst + permitsPerSecond * t}; keep {@code burst + permitsPerSecond} within the service's limit with a
     * margin for the time requests take to reach it.
     */
    final class Builder {
        private double permitsPerSecond = DEFAULT_PERMITS_PER_SECOND;
        private int burst = 1;
        private Scheduler scheduler;
        private double slowdownFactor = 0.5;
        private double minimumRateFraction = 0.05;
        private double recoveryPerSecond = 0.1;
        private int maxQueued = DEFAULT_MAX_QUEUED;

        private Builder() {
        }

        /**
         * Sets the refill rate of each action's bucket; default {@value RateLimiter#DEFAULT_PERMITS_PER_SECOND}.
         *
         * @param permitsPerSecond a positive, finite rate
         * @return this builder
         */
        public Builder permitsPerSecond(double permitsPerSecond) {
            this.permitsPerSecond = Validation.requirePositiveRate(permitsPerSecond, "permitsPerSecond");
            return this;
        }

        /**
         * Sets how many permits a bucket holds when idle, and so how many requests may leave at once; default 1.
         *
         * @param burst at least 1
         * @return this builder
         */
        public Builder burst(int burst) {
            this.burst = Validation.requireAtLeastOne(burst, "burst");
            return this;
        }

        /**
         * Sets how many requests of one action may wait for a permit at once; default
         * {@value RateLimiter#DEFAULT_MAX_QUEUED}. One more fails at once, without being sent, with a
         * {@link dev.dbbrain.reactive.DbbrainCapacityException} whose {@code limitName()} is {@code maxQueued}: a
         * caller that outruns the rate learns it now, instead of every request waiting longer and longer.
         * {@link RateLimiter#state(String)} reports the cap and the requests refused.
         *
         * @param maxQueued at least 1
         * @return this builder
         */
        public Builder maxQueued(int maxQueued) {
            this.maxQueued = Validation.requireAtLeastOne(maxQueued, "maxQueued");
            return this;
        }

        /**
         * Sets the scheduler whose clock ({@link Scheduler#now(TimeUnit)}) measures time and whose timers end
         * waits; default {@link Schedulers#parallel()}. A {@code VirtualTimeScheduler} makes the limiter testable
         * in virtual time.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
            return this;
        }

        /**
         * Sets how the limiter reacts to throttling answers: the rate is multiplied by {@code slowdownFactor} on
         * each (never below {@code minimumRateFraction} of the configured rate), then grows back by
         * {@code recoveryPerSecond} of the configured rate each second. Defaults: 0.5, 0.05 and 0.1 (from half
         * speed back to full in 5 s).
         *
         * @param slowdownFactor in (0, 1]
         * @param minimumRateFraction in (0, 1]
         * @param recoveryPerSecond positive
         * @return this builder
         */
        public Builder adaptive(double slowdownFactor, double minimumRateFraction, double recoveryPerSecond) {
            if (!(slowdownFactor > 0 && slowdownFactor <= 1)) {
                throw new IllegalArgumentException("slowdownFactor must be in (0, 1], was " + slowdownFactor);
            }
            if (!(minimumRateFraction > 0 && minimumRateFraction <= 1)) {
                throw new IllegalArgumentException("minimumRateFraction must be in (0, 1], was "
                        + minimumRateFraction);
            }
            if (!(recoveryPerSecond > 0) || Double.isInfinite(recoveryPerSecond)) {
                throw new IllegalArgumentException("recoveryPerSecond must be positive and finite, was "
                        + recoveryPerSecond);
            }
            this.slowdownFactor = slowdownFactor;
            this.minimumRateFraction = minimumRateFraction;
            this.recoveryPerSecond = recoveryPerSecond;
            return this;
        }

        /**
         * Builds the limiter; each call returns a limiter with its own, full buckets.
         *
         * @return a new limiter
         */
        public RateLimiter build() {
            TokenBucket.Settings settings = new TokenBucket.Settings(permitsPerSecond, burst, slowdownFactor,
                    minimumRateFraction, recoveryPerSecond, maxQueued);
            if (scheduler == null) {
                return new TokenBucketRateLimiter(settings, TimeSource.SYSTEM);
            }
            return new TokenBucketRateLimiter(settings, TimeSource.of(scheduler));
        }
    }
}
