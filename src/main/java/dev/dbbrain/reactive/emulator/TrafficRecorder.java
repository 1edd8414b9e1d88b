package dev.dbbrain.reactive.emulator;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts what the emulator received and answered: requests per {@code X-TC-Action} value, error codes (and
 * injected transport faults), and the most requests per action seen in any sliding second. Thread-safe; every
 * method holds the lock only for a few map operations.
 *
 * <p>Action values come from clients, so the number of distinct keys is capped; past the cap, unknown values are
 * counted under {@value #OTHER_ACTION}.
 */
final class TrafficRecorder {

    static final String NO_ACTION = "(none)";
    static final String OTHER_ACTION = "(other)";
    static final int MAX_ACTION_KEYS = 64;

    private final Map<String, Long> requests = new HashMap<>();
    private final Map<String, Long> errors = new HashMap<>();
    private final Map<String, SlidingWindowCounter> windows = new HashMap<>();
    private final Map<String, Integer> maxInOneSecond = new HashMap<>();

    /** Records one API request with the given {@code X-TC-Action} value (null when absent) at clock millis. */
    synchronized void request(String action, long nowMillis) {
        String key = action == null ? NO_ACTION : action;
        if (!requests.containsKey(key) && requests.size() >= MAX_ACTION_KEYS) {
            key = OTHER_ACTION;
        }
        requests.merge(key, 1L, Long::sum);
        long inWindow = windows.computeIfAbsent(key, k -> new SlidingWindowCounter(1000)).add(nowMillis);
        maxInOneSecond.merge(key, (int) Math.min(Integer.MAX_VALUE, inWindow), Math::max);
    }

    /** Records one answered error code or fault name. */
    synchronized void error(String code) {
        errors.merge(code, 1L, Long::sum);
    }

    /** Returns all three tallies as of one instant, sorted by key. */
    synchronized Snapshot snapshot() {
        return new Snapshot(sortedCopy(requests), sortedCopy(errors), sortedCopy(maxInOneSecond));
    }

    private static <V> Map<String, V> sortedCopy(Map<String, V> map) {
        return Collections.unmodifiableMap(new TreeMap<>(map));
    }

    /** The tallies at one instant; the maps are unmodifiable and sorted by key. */
    record Snapshot(Map<String, Long> requests, Map<String, Long> errors, Map<String, Integer> maxInOneSecond) {
    }
}
