package dev.dbbrain.reactive.ratelimit.redis;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DbbrainTransportException;
import dev.dbbrain.reactive.internal.TimeSource;
import dev.dbbrain.reactive.internal.Validation;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.Objects;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Builds {@link RateLimiter}s whose budget lives in Redis and is shared by every JVM using the same server: one
 * budget for a fleet of replicas. Needs {@code io.lettuce:lettuce-core} on the classpath; the rest of the library
 * works without it.
 *
 * <pre>{@code
 * RateLimiter limiter = RedisRateLimiter.builder("redis://redis.internal:6379")
 *         .fallBackLocally(3)            // while Redis is down: the rate / 3 in each JVM; default: fail closed
 *         .build();
 * DbbrainClient client = DbbrainClient.builder().rateLimiter(limiter).build();
 * }</pre>
 *
 * <p>One bucket per (SecretId, action): the limiter keeps the budget of each account a {@link DbbrainClient} signs
 * as (temporary credentials share the key prefix's bucket, as their SecretId changes at every refresh). Each acquire
 * is one Lua script call on Redis's clock; the wait it answers is a timer, never a blocked thread.
 *
 * <p>The keys carry the version of their layout, so that replicas of different builds can share one Redis during a
 * rolling deploy; see the package documentation and {@link Builder#previousLayout(boolean)}.
 */
public final class RedisRateLimiter {

    private RedisRateLimiter() {
    }

    /**
     * Starts a builder of a Redis-backed limiter that opens its own Lettuce client, connecting on first use; its
     * threads are daemon threads.
     *
     * @param redisUri a Lettuce Redis URI such as {@code redis://host:6379} or {@code rediss://:password@host},
     *     checked by {@link Builder#build()}
     * @return a new builder
     */
    public static Builder builder(String redisUri) {
        return new Builder(null, redisUri);
    }

    /**
     * Starts a builder of a Redis-backed limiter that connects through the application's own Lettuce client: its
     * resources, options and lifecycle stay the application's.
     *
     * @param client the application's Lettuce client
     * @param redisUri where to connect, such as {@code redis://host:6379}
     * @return a new builder
     */
    public static Builder builder(RedisClient client, String redisUri) {
        return new Builder(Objects.requireNonNull(client, "client must not be null"), redisUri);
    }

    /**
     * Configures a Redis-backed {@link RateLimiter}: one bucket per (SecretId, action) in Redis, refilled at
     * {@link #permitsPerSecond(double)} for the whole fleet. Not thread-safe.
     *
     * <p>Each acquire is one Lua script call, run atomically on Redis's clock: it reserves the next slot of the
     * shared schedule and answers how long to wait; the wait is a timer, never a blocked thread. Keys hold a hash of
     * the SecretId, never the SecretId, and expire as soon as the bucket would be full again.
     */
    public static final class Builder {
        private final Object client;
        private final String redisUri;
        private double permitsPerSecond = RateLimiter.DEFAULT_PERMITS_PER_SECOND;
        private int burst = 1;
        private String keyPrefix = "dbbrain:rate";
        private Duration commandTimeout = Duration.ofSeconds(1);
        private int expectedReplicas;
        private int maxQueued = RateLimiter.DEFAULT_MAX_QUEUED;
        private boolean previousLayout = true;
        private Scheduler scheduler;

        Builder(Object client, String redisUri) {
            this.client = client;
            this.redisUri = Objects.requireNonNull(redisUri, "redisUri must not be null");
        }

        /**
         * Sets the fleet's rate per action; default {@value RateLimiter#DEFAULT_PERMITS_PER_SECOND}.
         *
         * @param permitsPerSecond a positive, finite rate
         * @return this builder
         */
        public Builder permitsPerSecond(double permitsPerSecond) {
            this.permitsPerSecond = Validation.requirePositiveRate(permitsPerSecond, "permitsPerSecond");
            return this;
        }

        /**
         * Sets how many permits the fleet's bucket holds when idle; default 1.
         *
         * @param burst at least 1
         * @return this builder
         */
        public Builder burst(int burst) {
            this.burst = Validation.requireAtLeastOne(burst, "burst");
            return this;
        }

        /**
         * Sets the prefix of the Redis keys; default {@code dbbrain:rate}. Limiters that should share a budget
         * use the same prefix. A bucket's key is {@code <prefix>:v1:{<account>}:<action>}: {@code v1} is the
         * version of its layout (see the package documentation), {@code <account>} a hash of the SecretId.
         *
         * @param keyPrefix a non-blank prefix
         * @return this builder
         */
        public Builder keyPrefix(String keyPrefix) {
            if (keyPrefix == null || keyPrefix.isBlank()) {
                throw new IllegalArgumentException("keyPrefix must not be blank");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * Sets whether each call also honours the bucket's key of the previous layout; default {@code true}. Keep
         * it on while any replica that shares this Redis may run a build from before versioned keys (whose key is
         * {@code <prefix>:{<account>}:<action>}, without {@code v1}): each call then also reads that key and writes
         * the shared schedule back to it in that layout, in the same atomic script, so old and new replicas spend
         * one budget during a rolling deploy, and a rollback stays safe. It costs one more small hash per bucket and
         * a few microseconds per call.
         *
         * <p>Turn it off ({@code false}) once no replica of such a build remains, nor may come back by a rollback;
         * replicas with it on and off may share a Redis during that rolling deploy too. Turned off while an old
         * replica still runs, the two builds keep separate schedules, and together may send up to twice the rate.
         * The previous layout's keys expire on their own within seconds of the last call that touched them.
         *
         * @param honour {@code false} to use the current layout's key alone
         * @return this builder
         */
        public Builder previousLayout(boolean honour) {
            this.previousLayout = honour;
            return this;
        }

        /**
         * Sets how long a Redis call may take before Redis counts as unreachable; default 1 s. Opening a
         * connection may take up to 5 s.
         *
         * @param commandTimeout positive
         * @return this builder
         */
        public Builder commandTimeout(Duration commandTimeout) {
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
        public Builder failClosed() {
            this.expectedReplicas = 0;
            return this;
        }

        /**
         * While Redis is unreachable, limits this JVM with a local bucket at the fleet's rate divided by
         * {@code expectedReplicas}, so the fleet's rate together is the budget's. The JVMs' buckets are not
         * coordinated, so their permits may bunch into one second (and the switch back to Redis may add a few): the
         * service may throttle a few requests, which the client retries. {@link #failClosed()} never exceeds the
         * budget.
         *
         * @param expectedReplicas how many JVMs share the budget, at least 1
         * @return this builder
         */
        public Builder fallBackLocally(int expectedReplicas) {
            this.expectedReplicas = Validation.requireAtLeastOne(expectedReplicas, "expectedReplicas");
            return this;
        }

        /**
         * Sets how many requests of one action and account may wait in this JVM for a permit at once; default
         * {@value RateLimiter#DEFAULT_MAX_QUEUED}. One more fails at once, unsent, with a
         * {@link dev.dbbrain.reactive.DbbrainCapacityException} ({@code limitName()} {@code maxQueued}), which the
         * client does not retry. It also sets the longest wait the limiter accepts from Redis: the time
         * {@code burst + maxQueued} permits take, plus a second. A longer answer (a bucket whose schedule was
         * poisoned or corrupted, or a fleet queueing more than one JVM may) is a fault, handled like an
         * unreachable Redis: {@link #failClosed()} or {@link #fallBackLocally(int)}.
         *
         * @param maxQueued at least 1
         * @return this builder
         */
        public Builder maxQueued(int maxQueued) {
            this.maxQueued = Validation.requireAtLeastOne(maxQueued, "maxQueued");
            return this;
        }

        /**
         * Sets the scheduler whose timers end waits and time command timeouts; default {@link Schedulers#parallel()}.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder scheduler(Scheduler scheduler) {
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
                throw new IllegalStateException("RedisRateLimiter needs io.lettuce:lettuce-core on the classpath",
                        e);
            }
            RateLimiter fallback = null;
            if (expectedReplicas > 0) {
                RateLimiter.Builder local = RateLimiter.builder().permitsPerSecond(permitsPerSecond / expectedReplicas)
                        .maxQueued(maxQueued);
                fallback = (scheduler == null ? local : local.scheduler(scheduler)).build();
            }
            return new RedisLimiter(new RedisLimiter.Settings(permitsPerSecond, burst, keyPrefix,
                    commandTimeout, expectedReplicas, maxQueued, previousLayout), store, time, fallback);
        }
    }
}
