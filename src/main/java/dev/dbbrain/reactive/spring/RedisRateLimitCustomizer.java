package dev.dbbrain.reactive.spring;

import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.ratelimit.redis.RedisRateLimiter;
import io.lettuce.core.RedisClient;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.Ordered;

/**
 * Gives the client the fleet-wide Redis limiter of {@code dbbrain.rate-limit.redis.*}, through a Lettuce client of
 * its own that is shut down with the context (a limiter built from a URI alone would own a client nobody closes).
 * Loaded only when Lettuce is on the classpath.
 */
final class RedisRateLimitCustomizer implements DbbrainClientCustomizer, DisposableBean, Ordered {

    private final RedisClient redis = RedisClient.create();
    private final RateLimiter limiter;

    RedisRateLimitCustomizer(DbbrainProperties.RateLimit settings) {
        DbbrainProperties.Redis r = settings.getRedis();
        try {
            RedisRateLimiter.Builder builder = RedisRateLimiter.builder(redis, r.getUri()).keyPrefix(r.getKeyPrefix())
                    .commandTimeout(r.getCommandTimeout());
            if (settings.getPermitsPerSecond() != null) {
                builder.permitsPerSecond(settings.getPermitsPerSecond());
            }
            if (settings.getBurst() != null) {
                builder.burst(settings.getBurst());
            }
            if (r.getFallbackReplicas() != null) {
                builder.fallBackLocally(r.getFallbackReplicas());
            }
            limiter = builder.build();
        } catch (IllegalArgumentException e) {
            redis.shutdown();
            // The URI may hold a password: name the property, not its value.
            throw new IllegalArgumentException("dbbrain.rate-limit.redis: " + e.getMessage().replace(r.getUri(),
                    "<uri>"), null);
        }
    }

    @Override
    public void customize(dev.dbbrain.reactive.DbbrainClient.Builder builder) {
        builder.rateLimiter(limiter);
    }

    /** After the properties (which set the local limiter), before the application's own customizers. */
    @Override
    public int getOrder() {
        return 1;
    }

    @Override
    public void destroy() {
        redis.shutdown();
    }
}
