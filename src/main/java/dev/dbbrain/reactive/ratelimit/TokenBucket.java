package dev.dbbrain.reactive.ratelimit;

import dev.dbbrain.reactive.DbbrainCapacityException;
import dev.dbbrain.reactive.internal.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * The token bucket of one action: a FIFO queue of waiters in front of a bucket refilled continuously.
 *
 * <p>Why a queue and not reservations (Bucket4j's scheduler hands each waiter a future time slot): a reservation
 * cannot be handed back when its waiter cancels without shifting every later slot, so cancelled waiters would eat
 * budget. Here a waiter holds only its place in the queue; the bucket grants the head when a whole permit is there,
 * and one timer, set for the moment the next permit will be, wakes the queue. Cancelling removes the waiter: it
 * consumes nothing and everyone behind moves up.
 *
 * <p>While waiters are queued the cap is one permit higher, so a timer that fires up to one permit's time late loses
 * no budget: grants stay on the schedule the rate sets, not on the timer's. When the queue is empty the bucket caps
 * at {@code burst}. State changes happen under this object's monitor, held only for arithmetic and queue operations;
 * waiters are completed after it is released.
 */
final class TokenBucket {

    record Settings(double permitsPerSecond, int burst, double slowdownFactor, double minimumRateFraction,
            double recoveryPerSecond, int maxQueued) {
    }

    private static final double NANOS_PER_SECOND = 1e9;

    private final String action;
    private final Settings settings;
    private final TimeSource time;
    private final LinkedHashSet<Waiter> queue = new LinkedHashSet<>();
    private final WritePacer pacer;
    /** What every request granted by this bucket is written through: its pacer, and throttling reported back. */
    private final RateLimiter.Permit permit = new RateLimiter.Permit() {
        @Override
        public Mono<Void> write(Mono<Void> write) {
            return pacer.pace(write);
        }

        @Override
        public void throttled() {
            onThrottled();
        }
    };
    private final Mono<RateLimiter.Permit> grantedPermit = Mono.just(permit);

    private double tokens;
    private long updatedAt;
    private boolean backlog;
    private double throttledFraction = 1;
    private long throttledAt;
    private Disposable timer;
    private long timerDue;
    private long granted;
    private long rejected;
    private long throttles;
    private long waitedNanos;

    TokenBucket(String action, Settings settings, TimeSource time) {
        this.action = action;
        this.settings = settings;
        this.time = time;
        this.tokens = settings.burst();
        this.updatedAt = time.nanoTime();
        this.pacer = new WritePacer(settings.permitsPerSecond(), settings.burst(), time);
    }

    /** Waits for a permit, then answers the permit through which the request is written (paced) and reported. */
    Mono<RateLimiter.Permit> acquirePermit() {
        return acquire().then(grantedPermit);
    }

    /**
     * Called at subscription. A permit that is there and that nobody queues for is taken at once and answered with
     * {@code Mono.empty()}: no waiter, sink or timer is made for it, which is most of the cost of an uncontended
     * acquire.
     */
    Mono<Void> acquire() {
        synchronized (this) {
            if (queue.isEmpty()) {
                refill(time.nanoTime());
                if (tokens >= 1) {
                    tokens -= 1;
                    granted++;
                    return Mono.empty();
                }
            }
        }
        return Mono.create(sink -> {
            Waiter waiter = new Waiter(sink, time.nanoTime());
            boolean full;
            synchronized (this) {
                full = queue.size() >= settings.maxQueued();
                if (full) {
                    rejected++;
                } else {
                    queue.add(waiter);
                }
            }
            if (full) {
                // Fails fast instead of queueing without bound: nothing was sent, and the client does not retry it.
                sink.error(queueFull(action, settings.maxQueued()));
                return;
            }
            sink.onCancel(() -> cancel(waiter));
            drain();
        });
    }

    /** The error of a waiter refused because {@code maxQueued} others already wait for the action's permits. */
    static DbbrainCapacityException queueFull(String action, int maxQueued) {
        return new DbbrainCapacityException(action, "maxQueued", maxQueued, action + " refused: " + maxQueued
                + " requests already wait for a rate-limiter permit of this action (maxQueued); nothing was sent. "
                + "Shed load, or raise the limiter's maxQueued");
    }

    private void cancel(Waiter waiter) {
        boolean wasHead;
        synchronized (this) {
            wasHead = !queue.isEmpty() && queue.iterator().next() == waiter;
            if (!queue.remove(waiter)) {
                return;
            }
            if (queue.isEmpty()) {
                refill(time.nanoTime());
                backlog = false;
                if (timer != null) {
                    timer.dispose();
                    timer = null;
                }
            }
        }
        if (wasHead) {
            drain();
        }
    }

    private void drain() {
        List<Waiter> ready = null;
        synchronized (this) {
            long now = time.nanoTime();
            refill(now);
            Iterator<Waiter> it = queue.iterator();
            while (it.hasNext() && tokens >= 1) {
                Waiter waiter = it.next();
                it.remove();
                tokens -= 1;
                granted++;
                waitedNanos += Math.max(0, now - waiter.enqueuedAt);
                if (ready == null) {
                    ready = new ArrayList<>(1);
                }
                ready.add(waiter);
            }
            backlog = !queue.isEmpty();
            if (backlog) {
                long due = now + (long) Math.ceil((1 - tokens) / rate(now) * NANOS_PER_SECOND);
                if (timer == null || due < timerDue) {
                    if (timer != null) {
                        timer.dispose();
                    }
                    timerDue = due;
                    timer = time.scheduler().schedule(this::onTimer, Math.max(0, due - now),
                            TimeUnit.NANOSECONDS);
                }
            } else if (timer != null) {
                timer.dispose();
                timer = null;
            }
        }
        if (ready != null) {
            for (Waiter waiter : ready) {
                waiter.sink.success();
            }
        }
    }

    private void onTimer() {
        synchronized (this) {
            timer = null;
        }
        drain();
    }

    private void refill(long now) {
        long elapsed = now - updatedAt;
        if (elapsed > 0) {
            tokens += elapsed / NANOS_PER_SECOND * rate(now);
            updatedAt = now;
        }
        // A bucket with waiters was not idle: a timer that fires late must not lose the waiters the refill owed
        // them, so the cap rises by one permit while they wait (never more, so a very late timer cannot burst).
        double cap = backlog ? settings.burst() + 1 : settings.burst();
        if (tokens > cap) {
            tokens = cap;
        }
    }

    /** The rate in force at {@code now}: the configured one, lower for a while after throttling. */
    private double rate(long now) {
        double fraction = throttledFraction;
        if (fraction < 1) {
            fraction = Math.min(1, fraction + settings.recoveryPerSecond() * (now - throttledAt) / NANOS_PER_SECOND);
        }
        return settings.permitsPerSecond() * fraction;
    }

    void onThrottled() {
        synchronized (this) {
            long now = time.nanoTime();
            refill(now);
            double current = rate(now) / settings.permitsPerSecond();
            throttledFraction = Math.max(settings.minimumRateFraction(), current * settings.slowdownFactor());
            throttledAt = now;
            tokens = Math.min(tokens, 0);
            throttles++;
        }
    }

    synchronized RateLimiterState state() {
        long now = time.nanoTime();
        refill(now);
        return new RateLimiterState(action, rate(now), tokens, queue.size(), settings.maxQueued(), granted, rejected,
                throttles, Duration.ofNanos(waitedNanos));
    }

    private record Waiter(MonoSink<Void> sink, long enqueuedAt) {
        // Identity semantics: two waiters are never equal, whatever their fields.
        @Override
        public boolean equals(Object other) {
            return this == other;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }
}
