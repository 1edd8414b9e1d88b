package dev.dbbrain.reactive.emulator;

import java.util.ArrayDeque;

/**
 * Counts events in the sliding window {@code (now - width, now]} of clock milliseconds.
 *
 * <p>Events of the same millisecond share one bucket, so memory is bounded by the window width in milliseconds
 * whatever the request rate, and each call is amortised O(1). Time never runs backwards here: an earlier
 * {@code now} than one already seen (a clock set back) counts as the latest one. Not thread-safe: callers
 * synchronize.
 */
final class SlidingWindowCounter {

    private final long widthMillis;
    private final ArrayDeque<long[]> buckets = new ArrayDeque<>();
    private long total;
    private long latest = Long.MIN_VALUE;

    SlidingWindowCounter(long widthMillis) {
        this.widthMillis = widthMillis;
    }

    /** Returns how many events lie in the window ending at {@code now}. */
    long count(long now) {
        evictUpTo(advance(now));
        return total;
    }

    /** Records one event at {@code now} and returns the count in the window ending there, this event included. */
    long add(long now) {
        long at = advance(now);
        evictUpTo(at);
        long[] last = buckets.peekLast();
        if (last != null && last[0] == at) {
            last[1]++;
        } else {
            buckets.addLast(new long[] {at, 1});
        }
        return ++total;
    }

    /** Number of millisecond buckets held; lets tests prove memory stays bounded. */
    int buckets() {
        return buckets.size();
    }

    private long advance(long now) {
        latest = Math.max(latest, now);
        return latest;
    }

    private void evictUpTo(long now) {
        long[] first;
        while ((first = buckets.peekFirst()) != null && first[0] <= now - widthMillis) {
            total -= first[1];
            buckets.pollFirst();
        }
    }
}
