package dev.dbbrain.reactive.emulator;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The service's limit of N requests per second per action, applied the strictest way the documentation allows:
 * at most N admitted requests in any sliding one-second window, per (SecretId, action). A refused request is not
 * admitted, so it does not use up the window. Memory is bounded: SecretIds are the configured ones and those issued
 * by AssumeRole (the limiter runs after authentication) and each window holds at most one bucket per millisecond.
 */
final class ActionRateLimit {

    private final int limit;
    private final ConcurrentMap<Key, SlidingWindowCounter> windows = new ConcurrentHashMap<>();

    /** A limiter admitting {@code limit} requests per second and key; 0 admits everything. */
    ActionRateLimit(int limit) {
        this.limit = limit;
    }

    int limit() {
        return limit;
    }

    /** Admits the request (and counts it) if its window has room, at clock millis {@code now}. */
    boolean tryAdmit(String secretId, Action action, long now) {
        if (limit == 0) {
            return true;
        }
        SlidingWindowCounter window = windows.computeIfAbsent(new Key(secretId, action),
                key -> new SlidingWindowCounter(1000));
        synchronized (window) {
            if (window.count(now) >= limit) {
                return false;
            }
            window.add(now);
            return true;
        }
    }

    private record Key(String secretId, Action action) {
    }
}
