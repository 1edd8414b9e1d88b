package dev.dbbrain.reactive;

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
 * nothing.
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
     * Starts a builder of a limiter whose budget lives in Redis and is shared by every JVM using the same server:
     * one budget for a fleet of replicas. Needs {@code io.lettuce:lettuce-core} on the classpath.
     *
     * <pre>{@code
     * RateLimiter limiter = RateLimiter.redis("redis://redis.internal:6379").build();
     * }</pre>
     *
     * <p>The limiter opens its own Lettuce client, connecting on first use; its threads are daemon threads.
     *
     * @param redisUri a Lettuce Redis URI such as {@code redis://host:6379} or {@code rediss://:password@host},
     *     checked by {@link RedisBuilder#build()}
     * @return a new builder
     */
    static RedisBuilder redis(String redisUri) {
        return new RedisBuilder(null, redisUri);
    }

    /**
     * Starts a builder of a Redis-backed limiter (see {@link #redis(String)}) that connects through the
     * application's own Lettuce client: its resources, options and lifecycle stay the application's.
     *
     * @param client the application's Lettuce client
     * @param redisUri where to connect, such as {@code redis://host:6379}
     * @return a new builder
     */
    static RedisBuilder redis(io.lettuce.core.RedisClient client, String redisUri) {
        return new RedisBuilder(Objects.requireNonNull(client, "client must not be null"), redisUri);
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
                    minimumRateFraction, recoveryPerSecond);
            if (scheduler == null) {
                return new TokenBucketRateLimiter(settings, TimeSource.SYSTEM);
            }
            return new TokenBucketRateLimiter(settings, TimeSource.of(scheduler));
        }
    }

    /**
     * Configures a Redis-backed {@link RateLimiter}: one bucket per (SecretId, action) in Redis, refilled at
     * {@link #permitsPerSecond(double)} for the whole fleet. Not thread-safe.
     *
     * <p>Each acquire is one Lua script call, run atomically on Redis's clock: it reserves the next slot of the
     * shared schedule and answers how long to wait; the wait is a timer, never a blocked thread. Keys hold a hash of
     * the SecretId, never the SecretId, and expire as soon as the bucket would be full again.
     */
    final class RedisBuilder {
        private final Object client;
        private final String redisUri;
        private double permitsPerSecond = DEFAULT_PERMITS_PER_SECOND;
        private int burst = 1;
        private String keyPrefix = "dbbrain:rate";
        private Duration commandTimeout = Duration.ofSeconds(1);
        private int expectedReplicas;
        private Scheduler scheduler;

        private RedisBuilder(Object client, String redisUri) {
            this.client = client;
            this.redisUri = Objects.requireNonNull(redisUri, "redisUri must not be null");
        }

        /**
         * Sets the fleet's rate per action; default {@value RateLimiter#DEFAULT_PERMITS_PER_SECOND}.
         *
         * @param permitsPerSecond a positive, finite rate
         * @return this builder
         */
        public RedisBuilder permitsPerSecond(double permitsPerSecond) {
            this.permitsPerSecond = Validation.requirePositiveRate(permitsPerSecond, "permitsPerSecond");
            return this;
        }

        /**
         * Sets how many permits the fleet's bucket holds when idle; default 1.
         *
         * @param burst at least 1
         * @return this builder
         */
        public RedisBuilder burst(int burst) {
            this.burst = Validation.requireAtLeastOne(burst, "burst");
            return this;
        }

        /**
         * Sets the prefix of the Redis keys; default {@code dbbrain:rate}. Limiters that should share a budget
         * use the same prefix.
         *
         * @param keyPrefix a non-blank prefix
         * @return this builder
         */
        public RedisBuilder keyPrefix(String keyPrefix) {
            if (keyPrefix == null || keyPrefix.isBlank()) {
                throw new IllegalArgumentException("keyPrefix must not be blank");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * Sets how long a Redis call may take before Redis counts as unreachable; default 1 s. Opening a
         * connection may take up to 5 s.
         *
         * @param commandTimeout positive
         * @return this builder
         */
        public RedisBuilder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = Validation.requirePositive(commandTimeout, "commandTimeout");
            return this;
        }

        /**
         * While Redis is unreachable, fails each request without sending it (the default): a
         * {@link DbbrainTransportException} whose {@code requestSent()} is {@code false}, which the client's
         * retries treat as transient.
         *
         * @return this builder
         */
        public RedisBuilder failClosed() {
            this.expectedReplicas = 0;
            return this;
        }

        /**
         * While Redis is unreachable, limits this JVM with a local bucket at the fleet's rate divided by
         * {@code expectedReplicas}, so the fleet together stays within the budget.
         *
         * @param expectedReplicas how many JVMs share the budget, at least 1
         * @return this builder
         */
        public RedisBuilder fallBackLocally(int expectedReplicas) {
            this.expectedReplicas = Validation.requireAtLeastOne(expectedReplicas, "expectedReplicas");
            return this;
        }

        /**
         * Sets the scheduler whose timers end waits and time command timeouts; default {@link Schedulers#parallel()}.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public RedisBuilder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
            return this;
        }

        /**
         * Builds the limiter; it connects to Redis on first use, not here.
         *
         * @return a new limiter
         * @throws IllegalArgumentException if the Redis URI is not valid
         * @throws IllegalStateException if Lettuce is not on the classpath
         */
        public RateLimiter build() {
            TimeSource time = scheduler == null ? TimeSource.SYSTEM : TimeSource.of(scheduler);
            RedisBucketStore store;
            try {
                store = client == null ? RedisBucketStore.create(redisUri, commandTimeout, time)
                        : RedisBucketStore.create(client, redisUri, commandTimeout, time);
            } catch (NoClassDefFoundError e) {
                throw new IllegalStateException("RateLimiter.redis needs io.lettuce:lettuce-core on the classpath",
                        e);
            }
            return new RedisRateLimiter(new RedisRateLimiter.Settings(permitsPerSecond, burst, keyPrefix,
                    commandTimeout, expectedReplicas), store, time);
        }
    }
}
