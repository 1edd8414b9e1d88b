package dev.dbbrain.reactive.ratelimit;

import dev.dbbrain.reactive.internal.TimeSource;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * The write pacing of limiters that do not pace their own ({@link RateLimiter#acquirePermit}'s default): one
 * {@link WritePacer} per limiter and action, at the rate the limiter reports when the action is first used. Weak
 * keys: a limiter nobody uses any more takes its pacers with it.
 */
final class DefaultPacing {

    private static final Map<RateLimiter, Map<String, Permit>> PERMITS =
            Collections.synchronizedMap(new WeakHashMap<>());

    private DefaultPacing() {
    }

    static RateLimiter.Permit permit(RateLimiter limiter, String action) {
        return permit(limiter, action, TimeSource.SYSTEM);
    }

    /** The permit of {@code limiter}'s {@code action}, paced on {@code time} when first made (tests: virtual time). */
    static RateLimiter.Permit permit(RateLimiter limiter, String action, TimeSource time) {
        Map<String, Permit> byAction = PERMITS.computeIfAbsent(limiter, l -> new ConcurrentHashMap<>());
        Permit permit = byAction.get(action);
        return permit != null ? permit : byAction.computeIfAbsent(action, a -> new Permit(limiter, a, time));
    }

    /** One permit object per (limiter, action), shared by its requests: it holds no state of one request. */
    private static final class Permit implements RateLimiter.Permit {
        /** Weak, or the map's value would keep its own key alive. */
        private final java.lang.ref.WeakReference<RateLimiter> limiter;
        private final String action;
        private final WritePacer pacer;

        Permit(RateLimiter limiter, String action, TimeSource time) {
            this.limiter = new java.lang.ref.WeakReference<>(limiter);
            this.action = action;
            double rate = limiter.state(action).permitsPerSecond();
            this.pacer = rate > 0 && Double.isFinite(rate) ? new WritePacer(rate, 1, time) : null;
        }

        @Override
        public Mono<Void> write(Mono<Void> write) {
            return pacer == null ? write : pacer.pace(write);
        }

        @Override
        public void throttled() {
            RateLimiter l = limiter.get();
            if (l != null) {
                l.onThrottled(action);
            }
        }
    }
}
