package dev.dbbrain.reactive.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * A snapshot of a {@link RateLimiter}'s state for one action.
 *
 * @param action the API action
 * @param permitsPerSecond the rate in force now: the configured rate, lower for a while after throttling
 * @param availablePermits the permits that could be granted at once (may be fractional)
 * @param queued the waiters queued for a permit
 * @param maxQueued the most waiters the limiter queues for the action before it refuses more with a
 *     {@code DbbrainCapacityException}; {@link Integer#MAX_VALUE} when it sets no cap
 * @param granted the permits granted so far
 * @param rejected the acquires refused so far because {@code maxQueued} waiters were already queued
 * @param throttles the throttling answers reported through {@link RateLimiter#onThrottled(String)}
 * @param totalWait the time all granted waiters spent waiting, summed
 */
public record RateLimiterState(String action, double permitsPerSecond, double availablePermits, int queued,
        int maxQueued, long granted, long rejected, long throttles, Duration totalWait) {

    /**
     * Checks the snapshot.
     *
     * @param action the API action
     * @param permitsPerSecond the rate in force now
     * @param availablePermits the permits that could be granted at once
     * @param queued the waiters queued
     * @param maxQueued the cap on waiters, {@link Integer#MAX_VALUE} for none
     * @param granted the permits granted so far
     * @param rejected the acquires refused for a full queue
     * @param throttles the throttling answers reported
     * @param totalWait the summed wait of granted waiters
     * @throws NullPointerException if {@code action} or {@code totalWait} is {@code null}
     * @throws IllegalArgumentException if {@code maxQueued} is negative
     */
    public RateLimiterState {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(totalWait, "totalWait");
        if (maxQueued < 0) {
            throw new IllegalArgumentException("maxQueued must not be negative, was " + maxQueued);
        }
    }

    /**
     * A snapshot of a limiter that sets no cap on its waiters and so refuses nothing, as limiters of your own
     * written before the cap existed report it.
     *
     * @param action the API action
     * @param permitsPerSecond the rate in force now
     * @param availablePermits the permits that could be granted at once
     * @param queued the waiters queued
     * @param granted the permits granted so far
     * @param throttles the throttling answers reported
     * @param totalWait the summed wait of granted waiters
     */
    public RateLimiterState(String action, double permitsPerSecond, double availablePermits, int queued,
            long granted, long throttles, Duration totalWait) {
        this(action, permitsPerSecond, availablePermits, queued, Integer.MAX_VALUE, granted, 0, throttles,
                totalWait);
    }
}
