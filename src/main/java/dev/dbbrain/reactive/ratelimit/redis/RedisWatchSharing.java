package dev.dbbrain.reactive.ratelimit.redis;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.WatchSharing;
import dev.dbbrain.reactive.internal.SharedWatches;
import dev.dbbrain.reactive.internal.TimeSource;
import dev.dbbrain.reactive.internal.Validation;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.Objects;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Builds the {@link WatchSharing} of a fleet whose replicas reach one Redis: a task watched on several replicas is
 * polled by one of them at a time, at most once per poll interval, and every replica gets each state it publishes.
 * Needs {@code io.lettuce:lettuce-core} on the classpath; the rest of the library works without it.
 *
 * <pre>{@code
 * RedisClient redis = RedisClient.create();                       // the application's, shut down with it
 * DbbrainClient client = DbbrainClient.builder()
 *         .rateLimiter(RedisRateLimiter.builder(redis, "redis://redis.internal:6379").build())
 *         .watchSharing(RedisWatchSharing.builder(redis, "redis://redis.internal:6379").build())
 *         .build();
 * }</pre>
 *
 * <p>What is stored, per account (a hash of the SecretId; never the SecretId) and task, under
 * {@code <prefix>:v1:{<account>}:}: the task's latest state ({@code state:<instance>:<task>}, signed, kept for the
 * {@linkplain Builder#retention(Duration) retention}) and its poll slot ({@code slot:<instance>:<task>}, held for
 * the {@linkplain Builder#lease(Duration) lease} by the replica polling it); replicas are told of new states on the
 * channel {@code <prefix>:v1:{<account>}:published}. Every key expires. {@code v1} is the version of this layout: a
 * build with another layout uses other names, so replicas of two builds never misread each other's keys (they
 * then simply share nothing). See {@link WatchSharing} for what the fleet is guaranteed and how it fails.
 */
public final class RedisWatchSharing {

    /** The default prefix of the keys: {@value}. */
    public static final String DEFAULT_KEY_PREFIX = "dbbrain:watch";

    private RedisWatchSharing() {
    }

    /**
     * Starts a builder of a sharing that opens its own Lettuce client, connecting on first use (one connection for
     * commands, one for notifications); its threads are daemon threads.
     *
     * @param redisUri a Lettuce Redis URI such as {@code redis://host:6379} or {@code rediss://:password@host},
     *     checked by {@link Builder#build()}
     * @return a new builder
     */
    public static Builder builder(String redisUri) {
        return new Builder(null, redisUri);
    }

    /**
     * Starts a builder of a sharing that connects through the application's own Lettuce client, such as the one its
     * {@link RedisRateLimiter} uses: its resources, options and lifecycle stay the application's.
     *
     * @param client the application's Lettuce client
     * @param redisUri where to connect, such as {@code redis://host:6379}
     * @return a new builder
     */
    public static Builder builder(RedisClient client, String redisUri) {
        return new Builder(Objects.requireNonNull(client, "client must not be null"), redisUri);
    }

    /** Configures a Redis-backed {@link WatchSharing}. Not thread-safe; {@link #build()} copies what it needs. */
    public static final class Builder {
        private final Object client;
        private final String redisUri;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private Duration commandTimeout = Duration.ofSeconds(1);
        private Duration lease = Duration.ofSeconds(3);
        private Duration retention = Duration.ofMinutes(10);
        private Scheduler scheduler;

        Builder(Object client, String redisUri) {
            this.client = client;
            this.redisUri = Objects.requireNonNull(redisUri, "redisUri must not be null");
        }

        /**
         * Sets the prefix of the keys; default {@value RedisWatchSharing#DEFAULT_KEY_PREFIX}. Replicas that share
         * their watches use the same prefix (and the same account).
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
         * Sets how long a Redis call may take before Redis counts as unreachable and the replica polls on its own;
         * default 1 s. A cold JVM's first connection may take 5 s more.
         *
         * @param commandTimeout positive
         * @return this builder
         */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = Validation.requirePositive(commandTimeout, "commandTimeout");
            return this;
        }

        /**
         * Sets how long a replica holds a task's poll slot unless it renews it; default 3 s. The replica renews it
         * every third of the lease while its request waits for a permit or an answer, and gives it back once it has
         * published. A replica that dies holding slots delays their tasks by at most the lease plus one interval;
         * one that pauses longer than the lease (a long GC) may see another replica poll the same task too, which
         * costs one extra request.
         *
         * @param lease from 100 ms to 60 s
         * @return this builder
         */
        public Builder lease(Duration lease) {
            Validation.requirePositive(lease, "lease");
            if (lease.compareTo(Duration.ofMillis(100)) < 0 || lease.compareTo(RedisWatchStore.MAX_LEASE) > 0) {
                throw new IllegalArgumentException("lease must be from 100 ms to 60 s, was " + lease);
            }
            this.lease = lease;
            return this;
        }

        /**
         * Sets how long a published state is kept; default 10 minutes. A terminal state is served from it, without
         * a request, to a subscriber arriving on any replica within that time; another state only while it is
         * fresh (younger than the watch's poll interval).
         *
         * @param retention at least 1 s
         * @return this builder
         */
        public Builder retention(Duration retention) {
            Validation.requirePositive(retention, "retention");
            if (retention.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("retention must be at least 1 s, was " + retention);
            }
            this.retention = retention;
            return this;
        }

        /**
         * Sets the scheduler whose timers bound the opening of connections; default {@link Schedulers#parallel()}.
         * Every other wait (a command, a lease, a wait for a published state) runs on the watches' own scheduler.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
            return this;
        }

        /**
         * Builds the sharing, for {@link DbbrainClient.Builder#watchSharing(WatchSharing)}; it connects to Redis on
         * first use, not here.
         *
         * @return a new sharing
         * @throws IllegalArgumentException if the Redis URI is not valid
         * @throws IllegalStateException if Lettuce is not on the classpath
         */
        public WatchSharing build() {
            TimeSource time = scheduler == null ? TimeSource.SYSTEM : TimeSource.of(scheduler);
            RedisWatchStore.Settings settings = new RedisWatchStore.Settings(keyPrefix, commandTimeout, lease,
                    retention);
            RedisWatchStore store;
            try {
                store = client == null ? RedisWatchStore.create(redisUri, settings, time)
                        : RedisWatchStore.create(client, redisUri, settings, time);
            } catch (NoClassDefFoundError e) {
                throw new IllegalStateException("RedisWatchSharing needs io.lettuce:lettuce-core on the classpath", e);
            }
            return SharedWatches.sharing(store);
        }
    }
}
