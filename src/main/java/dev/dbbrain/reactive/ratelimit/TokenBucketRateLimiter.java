package dev.dbbrain.reactive.ratelimit;

import dev.dbbrain.reactive.internal.TimeSource;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/** One {@link TokenBucket} per action, created on first use. */
final class TokenBucketRateLimiter implements RateLimiter {

    private final TokenBucket.Settings settings;
    private final TimeSource time;
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    TokenBucketRateLimiter(TokenBucket.Settings settings, TimeSource time) {
        this.settings = settings;
        this.time = time;
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

    /** One bucket per action, whatever the account: this limiter's budget is its own. */
    @Override
    public Mono<Permit> acquirePermit(String action, String account) {
        return Mono.defer(() -> bucket(action).acquirePermit());
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
                settings.burst(), 0, settings.maxQueued(), 0, 0, 0, java.time.Duration.ZERO);
    }

    @Override
    public String toString() {
        return "RateLimiter[permitsPerSecond=" + settings.permitsPerSecond() + ", burst=" + settings.burst()
                + ", maxQueued=" + settings.maxQueued() + "]";
    }
}
