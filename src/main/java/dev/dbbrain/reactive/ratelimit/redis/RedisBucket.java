package dev.dbbrain.reactive.ratelimit.redis;

import dev.dbbrain.reactive.DbbrainCapacityException;
import dev.dbbrain.reactive.DbbrainTransportException;
import dev.dbbrain.reactive.internal.TimeSource;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * This JVM's side of one Redis bucket (one SecretId, one action): a FIFO queue of waiters and the Redis slots
 * reserved for them.
 *
 * <p>Each waiter reserves one slot (one script call), but slots are not tied to waiters: when a slot's time comes
 * the head of the queue takes it, so waiters keep first-come order whatever order Redis answered in. A waiter that
 * cancels hands back the <em>latest</em> slot this JVM holds (or, when its reservation is still on the way, the one
 * that arrives next), so everyone behind moves up and the fleet's schedule loses nothing.
 *
 * <p>A slot that is already due when Redis's answer arrives is granted on the thread that received the answer
 * (Lettuce's event loop): one round trip and no thread hop, where a timer would cost a hand-off to the scheduler and a
 * wake-up for a wait of zero. What runs there is the client's hand-off of the request to Reactor Netty (signing and
 * a connection acquire, microseconds, never blocking); a slot still to come is a timer on the limiter's scheduler.
 * State changes happen under this object's monitor, held only for queue operations; Redis calls and completions
 * happen after it is released.
 */
final class RedisBucket {

    /**
     * A waiter's permit: links its grant to its write, so the write can be checked against the slot, and reports
     * throttling to the bucket.
     */
    static final class Grant implements RateLimiter.Permit {
        private final RedisBucket bucket;
        /** The earliest this JVM's clock could have been at the slot: the reservation's send time plus its wait. */
        volatile long slotNanos;
        /** The local fallback bucket's permit, when it granted this one: its own pacer paces the write. */
        volatile RateLimiter.Permit local;
        /** How many times a late write took a fresh slot. */
        int retakes;

        Grant(RedisBucket bucket) {
            this.bucket = bucket;
        }

        @Override
        public Mono<Void> write(Mono<Void> write) {
            return bucket.paced(this, write);
        }

        @Override
        public void throttled() {
            bucket.onThrottled();
        }
    }

    /** How many fresh slots one request takes for late writes before it fails unsent. */
    static final int MAX_RETAKES = 4;

    private static final Comparator<Slot> BY_DUE =
            Comparator.comparingLong(Slot::dueNanos).thenComparingLong(Slot::sequence);

    private final RedisLimiter limiter;
    /** The bucket's key, then the previous layout's while that is honoured; never changed, passed to every call. */
    private final String[] keys;
    private final String action;
    private final TimeSource time;
    private final LinkedHashSet<Waiter> queue = new LinkedHashSet<>();
    private final TreeSet<Slot> slots = new TreeSet<>(BY_DUE);
    /** Reservations on their way from Redis. */
    private int pending;
    /** Of those, how many no waiter needs any more: refunded on arrival. */
    private int surplus;
    private long sequence;
    private long granted;
    private long rejected;
    private long waitedNanos;
    private long lastDelayedAt = Long.MIN_VALUE / 2;

    RedisBucket(RedisLimiter limiter, String[] keys, String action, TimeSource time) {
        this.limiter = limiter;
        this.keys = keys.clone();
        this.action = action;
        this.time = time;
    }

    /** The bucket's key (its current layout's). */
    String key() {
        return keys[0];
    }

    /** The keys every script call touches. */
    String[] keys() {
        return keys.clone();
    }

    String action() {
        return action;
    }

    Mono<Void> acquire(Grant grant) {
        return Mono.create(sink -> {
            Waiter waiter = new Waiter(sink, grant, time.nanoTime());
            int maxQueued = limiter.maxQueued();
            boolean full;
            synchronized (this) {
                full = queue.size() >= maxQueued;
                if (full) {
                    rejected++;
                } else {
                    queue.add(waiter);
                }
            }
            if (full) {
                // Fails fast instead of queueing without bound (or reserving slots the fleet would wait behind).
                sink.error(new DbbrainCapacityException(action, "maxQueued", maxQueued, action + " refused: "
                        + maxQueued + " requests of this JVM already wait for a permit of this account's bucket "
                        + "(maxQueued); nothing was sent. Shed load, or raise the limiter's maxQueued"));
                return;
            }
            sink.onCancel(() -> cancel(waiter));
            if (limiter.redisWanted()) {
                synchronized (this) {
                    pending++;
                }
                reserve();
            } else {
                divert(waiter, null);
            }
        });
    }

    /** Checks a granted request's write against its slot: a write later than the tolerance takes a fresh slot. */
    Mono<Void> paced(Grant grant, Mono<Void> write) {
        RateLimiter.Permit local = grant.local;
        if (local != null) {
            return local.write(write);
        }
        return Mono.defer(() -> {
            long late = time.nanoTime() - grant.slotNanos;
            if (late <= limiter.writeToleranceNanos()) {
                return write;
            }
            if (grant.retakes >= MAX_RETAKES) {
                // Never written out of schedule: the attempt fails unsent, and the client's retries decide.
                return Mono.error(new DbbrainTransportException(action, "the request could not be written within "
                        + TimeUnit.NANOSECONDS.toMillis(limiter.writeToleranceNanos()) + " ms of its rate-limit slot "
                        + (MAX_RETAKES + 1) + " times in a row (is this JVM starved of CPU?)", false, null));
            }
            // Held back on its way (a cold JVM's first connection, a pause): written now, it would land in a
            // later second than its slot and crowd it. Its slot is gone unused; take a fresh one.
            grant.retakes++;
            limiter.lateWrite();
            return acquire(grant).then(paced(grant, write));
        });
    }

    private void reserve() {
        long sentAt = time.nanoTime();
        limiter.store().acquire(keys, limiter.intervalMicros(), limiter.toleranceMicros(), limiter.horizonMicros())
                .subscribe(reservation -> onReserved(reservation, sentAt), this::onFailed);
    }

    private void onReserved(RedisBucketStore.Reservation reservation, long sentAt) {
        if (reservation.waitMicros() > limiter.horizonMicros()) {
            // Longer than this limiter's own waiters can ever need: the schedule is corrupt or poisoned (the
            // script, finding it so, reserved nothing and restarted it), or the fleet queues more than one JVM
            // may. A fault for the outage policy, not a wait of unbounded length.
            onFailed(new OverlongWait(keys[0], reservation.waitMicros(), limiter.horizonMicros()));
            return;
        }
        limiter.redisAnswered();
        long now = time.nanoTime();
        RedisClock clock = limiter.clock();
        long slotNanos = TimeUnit.MICROSECONDS.toNanos(reservation.slot());
        clock.sample(slotNanos - TimeUnit.MICROSECONDS.toNanos(reservation.waitMicros()), sentAt, now);
        // Due when this clock is surely past the slot; late writes are measured from the earliest it can be.
        long due = Math.max(now, clock.latest(slotNanos));
        long waitNanos = due - now;
        Slot slot;
        boolean needed;
        synchronized (this) {
            pending--;
            slot = new Slot(due, Math.min(due, clock.earliest(slotNanos)), reservation, sequence++);
            needed = surplus == 0;
            if (needed) {
                slots.add(slot);
            } else {
                surplus--;
            }
        }
        if (needed && waitNanos <= 0) {
            // Due now: granted here, on the thread of Redis's answer, rather than handed to the scheduler.
            fire(slot);
        } else if (needed) {
            slot.timer = time.scheduler().schedule(() -> fire(slot), waitNanos, TimeUnit.NANOSECONDS);
        } else {
            refund(slot);
        }
    }

    private void onFailed(Throwable error) {
        limiter.redisFailed(error);
        Waiter stranded = null;
        synchronized (this) {
            pending--;
            if (surplus > 0) {
                surplus--;
            } else if (slots.size() + pending - surplus < queue.size()) {
                // One waiter will get no slot: the newest, so those ahead keep their order.
                Iterator<Waiter> it = queue.iterator();
                while (it.hasNext()) {
                    stranded = it.next();
                }
                queue.remove(stranded);
            }
        }
        if (stranded != null) {
            divert(stranded, error);
        }
    }

    private void fire(Slot slot) {
        Waiter head = null;
        synchronized (this) {
            if (!slots.remove(slot)) {
                return;
            }
            Iterator<Waiter> it = queue.iterator();
            if (it.hasNext()) {
                head = it.next();
                it.remove();
                granted++;
                waitedNanos += Math.max(0, time.nanoTime() - head.enqueuedAt);
            }
        }
        if (head == null) {
            refund(slot);
            return;
        }
        if (head.grant != null) {
            head.grant.slotNanos = slot.earliestNanos;
            head.grant.local = null;
        }
        head.sink.success();
    }

    private void cancel(Waiter waiter) {
        Slot spare = null;
        synchronized (this) {
            if (!queue.remove(waiter)) {
                Disposable fallback = waiter.fallback;
                if (fallback != null) {
                    fallback.dispose();
                }
                return;
            }
            if (slots.size() + pending - surplus > queue.size()) {
                if (!slots.isEmpty()) {
                    spare = slots.pollLast();
                } else {
                    surplus++;
                }
            }
        }
        if (spare != null) {
            Disposable timer = spare.timer;
            if (timer != null) {
                timer.dispose();
            }
            refund(spare);
        }
    }

    private void refund(Slot slot) {
        limiter.store().refund(keys, limiter.intervalMicros(), limiter.toleranceMicros(), limiter.horizonMicros(),
                        slot.reservation)
                .subscribe(r -> limiter.refunded(), limiter::redisFailed);
    }

    /** Serves a waiter without Redis, as the outage policy says: a typed error, or the local fallback bucket. */
    private void divert(Waiter waiter, Throwable cause) {
        synchronized (this) {
            queue.remove(waiter);
        }
        Mono<RateLimiter.Permit> local = limiter.fallbackAcquire(action, cause);
        waiter.fallback = local.subscribe(permit -> {
            if (waiter.grant != null) {
                waiter.grant.local = permit;
            }
            waiter.sink.success();
        }, waiter.sink::error);
    }

    /** Tells the fleet the service throttled: the shared schedule moves half a second on, at most once a second. */
    void onThrottled() {
        long now = time.nanoTime();
        synchronized (this) {
            if (now - lastDelayedAt < 1_000_000_000L) {
                return;
            }
            lastDelayedAt = now;
        }
        limiter.store().delay(keys, limiter.intervalMicros(), limiter.toleranceMicros(), limiter.horizonMicros(),
                        500_000)
                .subscribe(r -> { }, limiter::redisFailed);
    }

    /** Slots reserved and not yet used. */
    synchronized int reserved() {
        return slots.size();
    }

    synchronized long granted() {
        return granted;
    }

    synchronized int queued() {
        return queue.size();
    }

    synchronized long rejected() {
        return rejected;
    }

    synchronized Duration waited() {
        return Duration.ofNanos(waitedNanos);
    }

    /** An answer from Redis asking for a wait beyond the limiter's horizon; never leaves this package. */
    static final class OverlongWait extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OverlongWait(String key, long waitMicros, long horizonMicros) {
            super("the bucket " + key + " asked for a wait of " + Duration.ofNanos(
                    TimeUnit.MICROSECONDS.toNanos(Math.min(waitMicros, Long.MAX_VALUE / 1000))).toSeconds()
                    + " s, longer than it can ever need (" + Duration.ofNanos(horizonMicros * 1000) + "): its "
                    + "schedule is corrupt or poisoned, or the fleet queues more than one JVM may", null, false, false);
        }
    }

    private static final class Slot {
        private final long dueNanos;
        private final long earliestNanos;
        private final RedisBucketStore.Reservation reservation;
        private final long sequence;
        private volatile Disposable timer;

        Slot(long dueNanos, long earliestNanos, RedisBucketStore.Reservation reservation, long sequence) {
            this.dueNanos = dueNanos;
            this.earliestNanos = earliestNanos;
            this.reservation = reservation;
            this.sequence = sequence;
        }

        long dueNanos() {
            return dueNanos;
        }

        long sequence() {
            return sequence;
        }
    }

    private static final class Waiter {
        private final MonoSink<Void> sink;
        private final Grant grant;
        private final long enqueuedAt;
        private volatile Disposable fallback;

        Waiter(MonoSink<Void> sink, Grant grant, long enqueuedAt) {
            this.sink = sink;
            this.grant = grant;
            this.enqueuedAt = enqueuedAt;
        }
    }
}
