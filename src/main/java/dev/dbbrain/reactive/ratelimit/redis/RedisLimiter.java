package dev.dbbrain.reactive.ratelimit.redis;

import dev.dbbrain.reactive.DbbrainTransportException;
import dev.dbbrain.reactive.internal.SharedFormat;
import dev.dbbrain.reactive.internal.TimeSource;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.ratelimit.RateLimiterState;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.Mono;

/**
 * A {@link RateLimiter} whose budget lives in Redis, shared by every JVM that uses the same server and key prefix.
 *
 * <p>One bucket per (SecretId, action): a client passes its SecretId along (see {@link #bucket(String, String)}),
 * and the key holds only a SHA-256 hash of it. {@link #acquire(String)} without a client behind it uses the bucket
 * of no SecretId. Each acquire is one script call ({@link RedisBucketStore}); the wait it answers is a timer on the
 * limiter's scheduler.
 *
 * <p>Why the write is checked too: the script bounds <em>slots</em> to {@code burst + rate * t} in any {@code t}
 * seconds, across the fleet, but the service counts arrivals. A request written later than its slot (a cold JVM's
 * first connection, a pause) would land among later slots and crowd their second. So a write more than
 * {@link #WRITE_TOLERANCE_NANOS} after its slot takes a fresh slot instead ({@link RedisBucket#paced}); with the
 * default 19 per second and burst 1, no sliding second then holds more than {@code 1 + 19 * 1.015 < 21} writes, and
 * the remaining 37 ms of the 1/19 s margin covers the jitter of the way to the service. A request late
 * {@value RedisBucket#MAX_RETAKES} times more fails unsent rather than leave out of schedule.
 *
 * <p>When Redis does not answer within the command timeout, the outage policy decides: fail closed (a
 * {@link DbbrainTransportException} that says the request was not sent) or a local bucket at the configured rate
 * divided by the expected replicas. One warning per outage; during it, one acquire per {@link #PROBE_INTERVAL} tries
 * Redis again, and the first answer ends the outage. An answer asking for a wait beyond the limiter's horizon
 * ({@code burst + maxQueued} permits' time and a second) counts as a failure too: a poisoned or corrupt bucket fails
 * fast (or falls back) instead of stalling the fleet.
 */
final class RedisLimiter implements RateLimiter {

    private static final System.Logger LOG = System.getLogger(RedisLimiter.class.getName());
    /**
     * How late after its slot a write may leave: under a third of the 52 ms a rate of 19 leaves under 20, the rest
     * being for the way. Measured on a loaded 2-core machine, 25 ms let arrival jitter show 21 in a second.
     */
    static final long WRITE_TOLERANCE_NANOS = 15_000_000L;
    /** How often, during an outage, an acquire tries Redis again. */
    static final Duration PROBE_INTERVAL = Duration.ofMillis(250);

    /** The builder's settings; {@code previousLayout}: whether each call also honours the previous layout's key. */
    record Settings(double permitsPerSecond, int burst, String keyPrefix, Duration commandTimeout,
            int expectedReplicas, int maxQueued, boolean previousLayout) {
    }

    /** What the horizon allows beyond the permits it is counted in: throttling delays, a fleet's stragglers. */
    static final long HORIZON_MARGIN_MICROS = 1_000_000L;

    private final Settings settings;
    private final RedisBucketStore store;
    private final TimeSource time;
    private final long intervalMicros;
    private final long toleranceMicros;
    /**
     * The longest wait for a slot this limiter accepts: the time {@code burst + maxQueued} permits take, plus a
     * margin. Its own waiters never need more (it queues at most {@code maxQueued}); a longer answer means the
     * bucket's schedule is corrupt, or that the fleet queues more than one JVM may — either way a fault, handled
     * by the outage policy, rather than a wait of unbounded length.
     */
    private final long horizonMicros;
    /** The policy's local bucket, or null to fail closed. */
    private final RateLimiter fallback;
    private final ConcurrentHashMap<String, RedisBucket> buckets = new ConcurrentHashMap<>();
    /** The same buckets by SecretId ({@code ""} for none) and action. */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, RedisBucket>> byAccount =
            new ConcurrentHashMap<>();
    private final RedisClock clock = new RedisClock();
    private final LongAdder lateWrites = new LongAdder();
    private final LongAdder refunds = new LongAdder();

    private boolean outage;
    private long outageStartedAt;
    private long nextProbeAt;

    RedisLimiter(Settings settings, RedisBucketStore store, TimeSource time, RateLimiter fallback) {
        this.settings = settings;
        this.store = store;
        this.time = time;
        // Whole microseconds, rounded so the pace is never faster than configured.
        this.intervalMicros = (long) Math.ceil(1e6 / settings.permitsPerSecond());
        this.toleranceMicros = (settings.burst() - 1) * intervalMicros;
        this.horizonMicros = ((long) settings.burst() + settings.maxQueued()) * intervalMicros + HORIZON_MARGIN_MICROS;
        this.fallback = fallback;
    }

    /** The bucket of {@code action} for the account that signs as {@code secretId} ({@code null}: no account). */
    RedisBucket bucket(String secretId, String action) {
        Objects.requireNonNull(action, "action must not be null");
        // Looked up by (SecretId, action) as given: the key (a SHA-256 of the SecretId) is made once per bucket, not
        // once per acquire.
        ConcurrentHashMap<String, RedisBucket> ofAccount = byAccount.get(secretId == null ? "" : secretId);
        RedisBucket bucket = ofAccount == null ? null : ofAccount.get(action);
        if (bucket != null) {
            return bucket;
        }
        String account = SharedFormat.account(secretId);
        String key = SharedFormat.RATE_BUCKET.key(settings.keyPrefix(), account, action);
        bucket = buckets.computeIfAbsent(key, k -> new RedisBucket(this, settings.previousLayout()
                ? new String[] {k, SharedFormat.RATE_BUCKET.previousKey(settings.keyPrefix(), account, action)}
                : new String[] {k}, action, time));
        byAccount.computeIfAbsent(secretId == null ? "" : secretId, a -> new ConcurrentHashMap<>()).put(action, bucket);
        return bucket;
    }

    @Override
    public Mono<Void> acquire(String action) {
        return acquirePermit(action, null).then();
    }

    /**
     * Reserves a slot in the account's bucket; the permit checks the write against the slot, and tells the fleet
     * when the service throttled.
     */
    @Override
    public Mono<Permit> acquirePermit(String action, String account) {
        return Mono.defer(() -> {
            RedisBucket bucket = bucket(account, action);
            RedisBucket.Grant grant = new RedisBucket.Grant(bucket);
            return bucket.acquire(grant).thenReturn(grant);
        });
    }

    @Override
    public void onThrottled(String action) {
        bucket(null, action).onThrottled();
    }

    /**
     * Reports what this JVM knows: its granted permits, queued waiters and waits, summed over accounts. The permits
     * available live in Redis, so {@code availablePermits} is {@code NaN}.
     */
    @Override
    public RateLimiterState state(String action) {
        Objects.requireNonNull(action, "action must not be null");
        long granted = 0;
        long rejected = 0;
        int queued = 0;
        Duration waited = Duration.ZERO;
        for (RedisBucket bucket : buckets.values()) {
            if (bucket.action().equals(action)) {
                granted += bucket.granted();
                rejected += bucket.rejected();
                queued += bucket.queued();
                waited = waited.plus(bucket.waited());
            }
        }
        return new RateLimiterState(action, settings.permitsPerSecond(), Double.NaN, queued, settings.maxQueued(),
                granted, rejected, 0, waited);
    }

    RedisClock clock() {
        return clock;
    }

    RedisBucketStore store() {
        return store;
    }

    long intervalMicros() {
        return intervalMicros;
    }

    long toleranceMicros() {
        return toleranceMicros;
    }

    long horizonMicros() {
        return horizonMicros;
    }

    int maxQueued() {
        return settings.maxQueued();
    }

    long writeToleranceNanos() {
        return WRITE_TOLERANCE_NANOS;
    }

    void lateWrite() {
        lateWrites.increment();
    }

    void refunded() {
        refunds.increment();
    }

    long lateWrites() {
        return lateWrites.sum();
    }

    long refunds() {
        return refunds.sum();
    }

    /** Whether an acquire should ask Redis: always, except during an outage between probes. */
    synchronized boolean redisWanted() {
        if (!outage) {
            return true;
        }
        long now = time.nanoTime();
        if (now - nextProbeAt >= 0) {
            nextProbeAt = now + PROBE_INTERVAL.toNanos();
            return true;
        }
        return false;
    }

    void redisAnswered() {
        long lasted;
        synchronized (this) {
            if (!outage) {
                return;
            }
            outage = false;
            lasted = time.nanoTime() - outageStartedAt;
        }
        LOG.log(System.Logger.Level.INFO, "Rate limiter: Redis at {0} answers again after {1} ms; the fleet "
                + "budget is shared again", store.address(), TimeUnit.NANOSECONDS.toMillis(lasted));
    }

    void redisFailed(Throwable error) {
        synchronized (this) {
            if (outage) {
                return;
            }
            outage = true;
            outageStartedAt = time.nanoTime();
            nextProbeAt = outageStartedAt + PROBE_INTERVAL.toNanos();
        }
        LOG.log(System.Logger.Level.WARNING, "Rate limiter: Redis at {0} gave no usable answer ({1}); until it "
                + "does, {2}",
                store.address(), describe(error), fallback == null ? "requests fail without being sent"
                        : "each JVM limits itself to " + settings.permitsPerSecond() / settings.expectedReplicas()
                                + " per second");
    }

    synchronized boolean inOutage() {
        return outage;
    }

    /** A permit from the outage policy: the local bucket's, or the typed error of failing closed. */
    Mono<Permit> fallbackAcquire(String action, Throwable cause) {
        if (fallback != null) {
            return fallback.acquirePermit(action, null);
        }
        return Mono.error(() -> new DbbrainTransportException(action, "the rate limiter's Redis at "
                + store.address() + " gave no usable answer" + (cause == null ? " (outage in progress)" : ": "
                + describe(cause)), false, cause));
    }

    private static String describe(Throwable error) {
        if (error instanceof java.util.concurrent.TimeoutException) {
            return "no answer in time";
        }
        if (error instanceof RedisBucket.OverlongWait) {
            return error.getMessage();
        }
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? ""
                : ": " + (message.length() > 200 ? message.substring(0, 200) + "…" : message));
    }

    /** Closes the Redis connection (and the client, when the limiter made it). */
    Mono<Void> close() {
        return store.close();
    }

    @Override
    public String toString() {
        return "RedisRateLimiter[" + store.address() + ", permitsPerSecond=" + settings.permitsPerSecond()
                + ", burst=" + settings.burst() + ", maxQueued=" + settings.maxQueued() + ", keyPrefix="
                + settings.keyPrefix() + ", layout=v" + SharedFormat.RATE_BUCKET.version()
                + (settings.previousLayout() ? "+previous" : "") + ", onOutage="
                + (fallback == null ? "failClosed" : "fallBackLocally(" + settings.expectedReplicas() + ")") + "]";
    }
}
