package dev.dbbrain.reactive.spring;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.WatchSharing;
import dev.dbbrain.reactive.internal.LettuceClose;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.ratelimit.redis.RedisRateLimiter;
import dev.dbbrain.reactive.ratelimit.redis.RedisWatchSharing;
import io.lettuce.core.RedisClient;
import java.util.List;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.Ordered;
import reactor.core.scheduler.Schedulers;

/**
 * Gives the client the fleet-wide Redis limiter of {@code dbbrain.rate-limit.redis.*} when the URI is set, and the
 * sharing of its watches through the same Redis ({@link RedisWatchSharing}) unless {@code dbbrain.watch.shared} is
 * false, through one Lettuce client of its own that is shut down with the context (a limiter built from a URI alone
 * would own a client nobody closes). Without a URI it does nothing and creates no Lettuce client. Loaded only when
 * Lettuce is on the classpath.
 *
 * <p>The URI is read here, when the bean is created, and not by a condition on the property: a URI that arrives only
 * at run time (an environment variable, in an application processed by Spring AOT) is used, and a URI that cannot be
 * used stops the start naming the property, so that a replica never falls back to a budget of its own in silence.
 */
final class RedisRateLimitCustomizer implements DbbrainClientCustomizer, DisposableBean, Ordered {

    private static final String URI = "rate-limit.redis.uri";

    /** {@code null} without a URI. */
    private final RedisClient redis;
    /** {@code null} without a URI. */
    private final RateLimiter limiter;
    /** {@code null} without a URI, or with {@code dbbrain.watch.shared=false}. */
    private final WatchSharing sharing;

    RedisRateLimitCustomizer(DbbrainProperties.RateLimit settings, boolean shareWatches) {
        DbbrainProperties.Redis r = settings.redis();
        if (r.uri() == null) {
            redis = null;
            limiter = null;
            sharing = null;
            return;
        }
        // The URI may hold a password: the checks mask it in every message, and the builder's own message about
        // a malformed URI does not repeat it.
        PropertyChecks checks = new PropertyChecks().uri(URI, r.uri());
        r.check(checks);
        checks.throwIfRefused();
        redis = RedisClient.create();
        try {
            RedisRateLimiter.Builder builder = RedisRateLimiter.builder(redis, r.uri());
            checks.set("rate-limit.redis.key-prefix", builder, b -> b.keyPrefix(r.keyPrefix()));
            checks.set("rate-limit.redis.command-timeout", builder, b -> b.commandTimeout(r.commandTimeout()));
            checks.set("rate-limit.redis.previous-layout", builder, b -> b.previousLayout(r.previousLayout()));
            if (r.fallbackReplicas() != null) {
                checks.set("rate-limit.redis.fallback-replicas", builder,
                        b -> b.fallBackLocally(r.fallbackReplicas()));
            }
            if (settings.permitsPerSecond() != null) {
                checks.set("rate-limit.permits-per-second", builder,
                        b -> b.permitsPerSecond(settings.permitsPerSecond()));
            }
            if (settings.burst() != null) {
                checks.set("rate-limit.burst", builder, b -> b.burst(settings.burst()));
            }
            if (settings.maxQueued() != null) {
                checks.set("rate-limit.max-queued", builder, b -> b.maxQueued(settings.maxQueued()));
            }
            RateLimiter built = null;
            WatchSharing shared = null;
            try {
                built = builder.build();   // parses the URI; connects on first use only
                if (shareWatches) {
                    // The same server and timeout as the budget's, keys of its own (dbbrain:watch:v1:...).
                    shared = RedisWatchSharing.builder(redis, r.uri()).commandTimeout(r.commandTimeout()).build();
                }
            } catch (IllegalArgumentException e) {
                checks.refuse(URI, e.getMessage());
            }
            checks.throwIfRefused();
            limiter = built;
            sharing = shared;
        } catch (RuntimeException e) {
            redis.shutdown();
            throw e;
        }
    }

    @Override
    public void customize(DbbrainClient.Builder builder) {
        if (limiter != null) {
            builder.rateLimiter(limiter);
        }
        if (sharing != null) {
            builder.watchSharing(sharing);
        }
    }

    /** After the properties (which set the local limiter), before the application's own customizers. */
    @Override
    public int getOrder() {
        return 1;
    }

    /**
     * Shuts the Lettuce client down on a thread of its own, waiting at most {@link LettuceClose#BOUND}: Lettuce's
     * shutdown closes each connection on the calling thread and may spin there for ever (see {@link LettuceClose}),
     * which would hold the context's close, and the application's exit, for ever.
     */
    @Override
    public void destroy() {
        if (redis != null) {
            LettuceClose.close("the Lettuce client of dbbrain.rate-limit.redis", Schedulers.parallel(),
                    LettuceClose.BOUND, List.of(redis::shutdownAsync)).block();
        }
    }
}
