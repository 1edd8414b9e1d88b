package dev.dbbrain.reactive.emulator;

import java.time.Duration;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.scheduler.Schedulers;

/**
 * The requests received and not yet taken, oldest first, at most a configured number (the oldest are dropped past
 * it, so that a long run stays in bounded memory), and how many arrived in all.
 *
 * <p>Recording happens on the event loops and never waits: a lock-free queue, and a semaphore whose permits count
 * the queued requests ({@link Semaphore#release()} never blocks). Only {@link #take(Duration)} waits, on the
 * caller's thread, and it refuses to on a non-blocking thread. The invariant: permits never exceed the queue's size,
 * so whoever acquires a permit finds a request to poll.
 */
final class RequestLog {

    private final int capacity;
    private final Queue<RecordedRequest> queued = new ConcurrentLinkedQueue<>();
    private final Semaphore available = new Semaphore(0);
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong received = new AtomicLong();

    RequestLog(int capacity) {
        this.capacity = capacity;
    }

    /** The sequence number the next request gets; counts every request, recorded or not. */
    long nextSequenceNumber() {
        return received.getAndIncrement();
    }

    /** Keeps a request for {@link #take}, dropping the oldest one kept when the log is full. */
    void add(RecordedRequest request) {
        if (capacity == 0) {
            return;
        }
        queued.add(request);
        size.incrementAndGet();
        available.release();
        while (size.get() > capacity && available.tryAcquire()) {
            if (queued.poll() != null) {
                size.decrementAndGet();
            }
        }
    }

    long count() {
        return received.get();
    }

    Optional<RecordedRequest> poll() {
        return available.tryAcquire() ? Optional.ofNullable(taken()) : Optional.empty();
    }

    RecordedRequest take(Duration timeout) {
        if (Schedulers.isInNonBlockingThread()) {
            throw new IllegalStateException("takeRequest waits for a request and so may not be called on a"
                    + " non-blocking thread (" + Thread.currentThread().getName() + "): call it from the test's"
                    + " thread, or use pollRequest()");
        }
        boolean acquired;
        try {
            acquired = available.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a request to the emulator", e);
        }
        if (!acquired) {
            long all = received.get();
            throw new AssertionError("No request reached the DBbrain emulator within " + timeout + " ("
                    + all + (all == 1 ? " request" : " requests") + " received since the start or the last"
                    + " resetScripting(), none of them left to take"
                    + (capacity == 0 ? "; recording is off: maxRecordedRequests is 0" : "") + ")");
        }
        return taken();
    }

    private RecordedRequest taken() {
        RecordedRequest request = queued.poll();
        size.decrementAndGet();
        return request;
    }

    /** Forgets the kept requests and restarts the count; requests in flight may still be added after. */
    void clear() {
        while (available.tryAcquire()) {
            taken();
        }
        received.set(0);
    }
}
