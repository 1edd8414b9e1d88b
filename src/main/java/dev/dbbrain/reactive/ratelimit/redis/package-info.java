/**
 * A rate limiter whose budget lives in Redis and is shared by a fleet of JVMs:
 * {@link dev.dbbrain.reactive.ratelimit.redis.RedisRateLimiter#builder(String)}. Everything here names Lettuce
 * ({@code io.lettuce:lettuce-core}, an optional dependency); the rest of the library loads without it.
 *
 * <p>Each acquire is one {@code EVALSHA} of a reservation script over one small hash per (SecretId hash, action),
 * on Redis's clock ({@code RedisBucketStore}); this JVM's waiters queue first come, first served in front of the
 * slots it reserved ({@code RedisBucket}), and a waiter that cancels hands its slot back.
 */
package dev.dbbrain.reactive.ratelimit.redis;
