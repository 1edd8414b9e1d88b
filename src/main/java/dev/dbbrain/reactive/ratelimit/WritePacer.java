package dev.dbbrain.reactive.ratelimit;

import dev.dbbrain.reactive.internal.TimeSource;
import dev.dbbrain.reactive.internal.WriteThread;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executor;
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
 *
 * <p>A slot is planned when the request is granted, from the slots and write times known then; a request 20 places
 * later may be planned before an earlier one has left. And a slot's timer fires on a timer thread while the write
 * happens on the connection's event loop: on a starved machine the loop runs late and writes what queued up together
 * (measured under 4 CPU hogs on 2 cores: 33 writes in one second from slots 1.05 s apart). So the last check is made
 * on the write thread itself ({@link WriteThread}, from the Reactor context), in the task that writes: a second ring
 * holds the moments requests were admitted there, and a request whose write would put more than
 * {@code burst + floor(rate)} admissions in 1.05 s, or two closer than the minimum gap, waits for the difference and
 * is checked again. The admissions are the writes as the service will count them, whatever the plan said.
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
    /** When the last {@code sends.length} requests were admitted on their write thread: a ring indexed by count. */
    private final long[] admissions;
    private long admitted;
    private long lastAdmission = Long.MIN_VALUE / 2;

    WritePacer(double permitsPerSecond, int burst, TimeSource time) {
        this.time = time;
        long window = burst + (long) Math.floor(permitsPerSecond);
        // Rates far above any service's limit (a limiter used as a meter, a benchmark) are not paced by the ring:
        // it would cost 8 bytes per permit per second.
        this.sends = window <= MAX_PACED_WINDOW ? new long[(int) window] : null;
        this.admissions = window <= MAX_PACED_WINDOW ? new long[(int) window] : null;
        if (sends != null) {
            Arrays.fill(sends, Long.MIN_VALUE / 2);
            Arrays.fill(admissions, Long.MIN_VALUE / 2);
        }
        this.minimumGapNanos = (long) (1e9 / permitsPerSecond / 2);
    }

    /**
     * Waits for the send slot of a granted request, checks on the write thread that writing now keeps the actual
     * writes within the window, writes it with {@code write} there, and records when it was written.
     */
    Mono<Void> pace(Mono<Void> write) {
        return Mono.deferContextual(context -> {
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
            Mono<Void> admitted = admitted(write.doOnSuccess(v -> written(slot)), WriteThread.of(context));
            return delay <= 0 ? admitted : Mono.delay(Duration.ofNanos(delay), time.scheduler()).then(admitted);
        });
    }

    /** {@code write}, subscribed on the write thread once {@link #admit()} lets it go there. */
    private Mono<Void> admitted(Mono<Void> write, Executor writeThread) {
        return WriteThread.on(writeThread, Mono.defer(() -> {
            long wait = admit();
            return wait <= 0 ? write
                    : Mono.delay(Duration.ofNanos(wait), time.scheduler()).then(admitted(write, writeThread));
        }));
    }

    /**
     * Admits a write now if it keeps every 1.05 s within {@code burst + floor(rate)} admissions and no two closer
     * than the minimum gap, and records it; else answers how long to wait before asking again.
     */
    private synchronized long admit() {
        long now = time.nanoTime();
        long at = lastAdmission + minimumGapNanos;
        int index = admissions == null ? 0 : (int) (admitted % admissions.length);
        if (admissions != null) {
            at = Math.max(at, admissions[index] + SEND_WINDOW_NANOS);
        }
        if (at > now) {
            return at - now;
        }
        if (admissions != null) {
            admissions[index] = now;
        }
        admitted++;
        lastAdmission = now;
        return 0;
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
