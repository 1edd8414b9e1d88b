package dev.dbbrain.reactive.ratelimit;

import dev.dbbrain.reactive.internal.TimeSource;
import java.time.Duration;
import java.util.Arrays;
import reactor.core.publisher.Mono;

/**
 * Paces the moment granted requests are written, for one action.
 *
 * <p>A bucket bounds grants to {@code burst + rate} in any second; but a grant is not a send: a cold JVM (class
 * loading, first connections and first writes) or a pause can hold granted requests back and release them together,
 * and the service counts arrivals. So, just before writing, a request takes a slot at least 1.05 s after the send
 * {@code burst + floor(rate)} places before it; once its bytes are written, the slot is moved to that moment, so
 * requests held back on their way push the later ones back too. Two writes are also kept half a permit's time apart:
 * a bunch written together would otherwise come back as a bunch one window later, when the ring lets its successors
 * go at once. In steady state the slot is now and nothing waits.
 */
final class WritePacer {

    /**
     * The span in which at most {@code sends.length} requests are written: a second, plus 50 ms for the jitter of
     * their way to the service (the same margin a rate of 19 per second leaves under a limit of 20).
     */
    private static final long SEND_WINDOW_NANOS = 1_050_000_000L;
    /** Largest {@code burst + rate} whose sends are paced by the ring (80 KiB of it). */
    static final int MAX_PACED_WINDOW = 10_000;

    private final TimeSource time;
    /** When the last {@code sends.length} requests were (or will be) written: a ring indexed by sequence. */
    private final long[] sends;
    /** Half the time between two permits: no two writes closer than that, so no bunch can form to echo later. */
    private final long minimumGapNanos;
    private long sequence;
    /** When the latest paced request was (or will be) written. */
    private long lastSend = Long.MIN_VALUE / 2;

    WritePacer(double permitsPerSecond, int burst, TimeSource time) {
        this.time = time;
        long window = burst + (long) Math.floor(permitsPerSecond);
        // Rates far above any service's limit (a limiter used as a meter, a benchmark) are not paced by the ring:
        // it would cost 8 bytes per permit per second.
        this.sends = window <= MAX_PACED_WINDOW ? new long[(int) window] : null;
        if (sends != null) {
            Arrays.fill(sends, Long.MIN_VALUE / 2);
        }
        this.minimumGapNanos = (long) (1e9 / permitsPerSecond / 2);
    }

    /** Waits for the send slot of a granted request, writes it with {@code write}, and records when it was written. */
    Mono<Void> pace(Mono<Void> write) {
        long slot;
        long delay;
        synchronized (this) {
            long now = time.nanoTime();
            long at = Math.max(now, lastSend + minimumGapNanos);
            if (sends != null) {
                int index = (int) (sequence % sends.length);
                at = Math.max(at, sends[index] + SEND_WINDOW_NANOS);
                sends[index] = at;
            }
            lastSend = at;
            slot = sequence++;
            delay = at - now;
        }
        Mono<Void> written = write.doOnSuccess(v -> written(slot));
        return delay <= 0 ? written
                : Mono.delay(Duration.ofNanos(delay), time.scheduler()).then(written);
    }

    /** Records when a paced request was actually written, unless its ring entry has been reused since. */
    private synchronized void written(long slot) {
        long now = time.nanoTime();
        if (sends != null && sequence - slot < sends.length) {
            int index = (int) (slot % sends.length);
            sends[index] = Math.max(sends[index], now);
        }
        lastSend = Math.max(lastSend, now);
    }
}
