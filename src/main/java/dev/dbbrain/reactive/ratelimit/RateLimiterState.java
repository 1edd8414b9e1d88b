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
 * @param granted the permits granted so far
 * @param throttles the throttling answers reported through {@link RateLimiter#onThrottled(String)}
 * @param totalWait the time all granted waiters spent waiting, summed
 */
public record RateLimiterState(String action, double permitsPerSecond, double availablePermits, int queued,
        long granted, long throttles, Duration totalWait) {

    /**
     * Checks the snapshot.
     *
     * @param action the API action
     * @param permitsPerSecond the rate in force now
     * @param availablePermits the permits that could be granted at once
     * @param queued the waiters queued
     * @param granted the permits granted so far
     * @param throttles the throttling answers reported
     * @param totalWait the summed wait of granted waiters
     * @throws NullPointerException if {@code action} or {@code totalWait} is {@code null}
     */
    public RateLimiterState {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(totalWait, "totalWait");
    }
}
