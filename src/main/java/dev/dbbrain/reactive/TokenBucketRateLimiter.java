package dev.dbbrain.reactive;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/** One {@link TokenBucket} per action, created on first use. */
final class TokenBucketRateLimiter implements RateLimiter {

    /** The JVM-wide default limiters, one per SecretId: the service's limit belongs to the account. */
    private static final ConcurrentHashMap<String, RateLimiter> SHARED = new ConcurrentHashMap<>();
    /**
     * The JVM-wide default limiters of temporary credentials, one per provider: their SecretId changes at every
     * refresh, so keying them by SecretId would give each rotation a fresh budget (and never forget the old ones).
     * Weak keys: a provider no client uses any more takes its limiter with it.
     */
    private static final Map<CredentialsProvider, RateLimiter> SHARED_BY_PROVIDER =
            Collections.synchronizedMap(new WeakHashMap<>());

    private final TokenBucket.Settings settings;
    private final TimeSource time;
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    TokenBucketRateLimiter(TokenBucket.Settings settings, TimeSource time) {
        this.settings = settings;
        this.time = time;
    }

    /** The limiter shared by every client in this JVM that has no limiter of its own and signs as {@code secretId}. */
    static RateLimiter shared(String secretId) {
        return SHARED.computeIfAbsent(secretId, id -> RateLimiter.builder().build());
    }

    /**
     * The limiter shared by every client in this JVM that has no limiter of its own and gets temporary credentials
     * from {@code provider}.
     */
    static RateLimiter shared(CredentialsProvider provider) {
        return SHARED_BY_PROVIDER.computeIfAbsent(provider, p -> RateLimiter.builder().build());
    }

    private TokenBucket bucket(String action) {
        Objects.requireNonNull(action, "action must not be null");
        TokenBucket bucket = buckets.get(action);
        return bucket != null ? bucket : buckets.computeIfAbsent(action, a -> new TokenBucket(a, settings, time));
    }

    @Override
    public Mono<Void> acquire(String action) {
        return Mono.defer(() -> bucket(action).acquire());
    }

    /** Waits for the send slot of a granted request, writes it with {@code write}, and records when it was written. */
    Mono<Void> paced(String action, Mono<Void> write) {
        TokenBucket bucket = bucket(action);
        return bucket.pace().flatMap(slot -> write.doOnSuccess(v -> bucket.written(slot)));
    }

    @Override
    public void onThrottled(String action) {
        bucket(action).onThrottled();
    }

    @Override
    public RateLimiterState state(String action) {
        Objects.requireNonNull(action, "action must not be null");
        TokenBucket bucket = buckets.get(action);
        // Reading creates nothing: an action never used has a full bucket and no history.
        return bucket != null ? bucket.state() : new RateLimiterState(action, settings.permitsPerSecond(),
                settings.burst(), 0, 0, 0, java.time.Duration.ZERO);
    }

    @Override
    public String toString() {
        return "RateLimiter[permitsPerSecond=" + settings.permitsPerSecond() + ", burst=" + settings.burst() + "]";
    }
}
