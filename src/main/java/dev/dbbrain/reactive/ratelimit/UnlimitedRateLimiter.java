package dev.dbbrain.reactive.ratelimit;

import java.time.Duration;
import reactor.core.publisher.Mono;

/** Grants every permit at once; counts nothing. */
final class UnlimitedRateLimiter implements RateLimiter {

    static final UnlimitedRateLimiter INSTANCE = new UnlimitedRateLimiter();
    private static final Mono<Permit> IMMEDIATE_GRANT = Mono.just(Permit.IMMEDIATE);

    private UnlimitedRateLimiter() {
    }

    @Override
    public Mono<Void> acquire(String action) {
        return Mono.empty();
    }

    /** Granted at once and written at once: nothing to pace. */
    @Override
    public Mono<Permit> acquirePermit(String action, String account) {
        return IMMEDIATE_GRANT;
    }

    @Override
    public RateLimiterState state(String action) {
        return new RateLimiterState(action, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0, 0, 0,
                Duration.ZERO);
    }

    @Override
    public String toString() {
        return "RateLimiter.unlimited()";
    }
}
