package dev.dbbrain.reactive.ratelimit.redis;

import dev.dbbrain.reactive.internal.TimeSource;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Bounds the Redis commands in flight, without a timer per command.
 *
 * <p>Why not {@code Mono.timeout}: it schedules and cancels a task on the scheduler for every command, and a task
 * that becomes the head of the scheduler's queue wakes its thread. At one command per acquire that wake-up was the
 * largest cost of an acquire after the round trip itself (p50 1.3-1.4 times Bucket4j's, 0.95 without it, measured
 * by {@code RedisAcquireCost}). Here each command only joins a queue; one sweep, scheduled while commands are in
 * flight, fails those past their deadline. Like Lettuce's own timeouts (a hashed wheel), a deadline is met to within
 * one sweep period: {@link #PERIOD_FRACTION} of the shortest bound, at least {@link #MIN_PERIOD_NANOS}.
 */
final class CommandDeadlines {

    /** The sweep period as a fraction of the bound: a 1 s bound is enforced within 1.125 s. */
    static final int PERIOD_FRACTION = 8;
    static final long MIN_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final TimeSource time;
    private final long periodNanos;
    private final ConcurrentLinkedQueue<Pending<?>> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sweepScheduled = new AtomicBoolean();

    CommandDeadlines(TimeSource time, long shortestBoundNanos) {
        this.time = time;
        this.periodNanos = Math.max(MIN_PERIOD_NANOS, shortestBoundNanos / PERIOD_FRACTION);
    }

    /** {@code command}, failing with a {@link TimeoutException} when it has not ended {@code boundNanos} after it began. */
    <T> Mono<T> within(Mono<T> command, long boundNanos) {
        return Mono.create(sink -> {
            Pending<T> p = new Pending<>(sink, time.nanoTime() + boundNanos);
            pending.add(p);
            sink.onCancel(p::cancel);
            p.upstream = command.subscribe(p::success, p::error, p::complete);
            if (p.ended()) {
                // Ended within subscribe (an error before any I/O): no sweep needed for it.
                pending.remove(p);
                return;
            }
            scheduleSweep();
        });
    }

    private void scheduleSweep() {
        if (!pending.isEmpty() && sweepScheduled.compareAndSet(false, true)) {
            time.scheduler().schedule(this::sweep, periodNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void sweep() {
        long now = time.nanoTime();
        for (Iterator<Pending<?>> it = pending.iterator(); it.hasNext(); ) {
            Pending<?> p = it.next();
            if (p.ended()) {
                it.remove();
            } else if (now - p.deadline >= 0) {
                it.remove();
                p.expire();
            }
        }
        sweepScheduled.set(false);
        scheduleSweep();
    }

    int inFlight() {
        return (int) pending.stream().filter(p -> !p.ended()).count();
    }

    /** One command: whichever of its own end, its deadline or a cancel comes first ends it. */
    private static final class Pending<T> {
        private final MonoSink<T> sink;
        private final long deadline;
        private final AtomicBoolean ended = new AtomicBoolean();
        volatile Disposable upstream;

        Pending(MonoSink<T> sink, long deadline) {
            this.sink = sink;
            this.deadline = deadline;
        }

        boolean ended() {
            return ended.get();
        }

        void success(T value) {
            if (ended.compareAndSet(false, true)) {
                sink.success(value);
            }
        }

        void error(Throwable e) {
            if (ended.compareAndSet(false, true)) {
                sink.error(e);
            }
        }

        void complete() {
            if (ended.compareAndSet(false, true)) {
                sink.success();
            }
        }

        void expire() {
            if (ended.compareAndSet(false, true)) {
                dispose();
                sink.error(new TimeoutException("no answer from Redis in time"));
            }
        }

        void cancel() {
            if (ended.compareAndSet(false, true)) {
                dispose();
            }
        }

        private void dispose() {
            Disposable d = upstream;
            if (d != null) {
                d.dispose();
            }
        }
    }
}
