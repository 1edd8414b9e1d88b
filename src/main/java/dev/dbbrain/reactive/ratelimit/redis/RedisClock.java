package dev.dbbrain.reactive.ratelimit.redis;

/**
 * Where Redis's clock stands against this JVM's {@code nanoTime}, to within the shortest round trip seen.
 *
 * <p>Each script answer says what Redis's clock read while the call was on its way: somewhere between the moment
 * it was sent and the moment the answer arrived. So the offset lies in {@code [redis - received, redis - sent]};
 * intersecting those intervals over many answers narrows it to the quickest round trip, however slow a loaded
 * machine makes most of them. An interval that misses the intersection means a clock stepped: start again from it.
 */
final class RedisClock {

    private long low = Long.MIN_VALUE;
    private long high = Long.MAX_VALUE;

    synchronized void sample(long redisNanos, long sentAt, long receivedAt) {
        long lo = redisNanos - receivedAt;
        long hi = redisNanos - sentAt;
        if (lo > high || hi < low) {
            low = lo;
            high = hi;
        } else {
            low = Math.max(low, lo);
            high = Math.min(high, hi);
        }
    }

    /** The latest local time that Redis time {@code redisNanos} can be: waiting until then is never early. */
    synchronized long latest(long redisNanos) {
        return redisNanos - low;
    }

    /** The earliest local time that Redis time {@code redisNanos} can be: lateness measured from it is never less. */
    synchronized long earliest(long redisNanos) {
        return redisNanos - high;
    }
}
