package dev.dbbrain.reactive;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Scannable;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

/**
 * One subscriber of a watch: its demand, the version of the last state it was given, and its own deadline and
 * not-found grace. What it is given and when its watch ends is {@link WatchPolicy}'s to decide
 * ({@link WatchPolicy#deliver}, {@link WatchPolicy#ending}, the grace and the deadline); this class keeps the state,
 * arms the deadline timer and serialises the signals.
 *
 * <p>Signals are serialised by a work-in-progress counter (the usual Reactor drain loop): whoever increments it from
 * zero emits, others leave their work to that thread. A subscriber always gets the latest state of the loop, so
 * states it had no demand for are skipped; the terminal state is the loop's last, so it is never skipped.
 *
 * <p>A watch that ends gives its place back to the engine and leaves its loop <em>before</em> its subscriber is told
 * ({@link #terminate}), so that the client's statistics are exact by the time the subscriber hears of the end.
 *
 * <p>State is in volatile fields, the counters and the error in {@code static final} field updaters as in Reactor's
 * own subscriptions: no {@code Atomic*} object per subscriber, which at 100,000 watches would be 400,000 objects.
 */
final class WatchSubscription implements Subscription, Scannable {

    private static final AtomicLongFieldUpdater<WatchSubscription> REQUESTED =
            AtomicLongFieldUpdater.newUpdater(WatchSubscription.class, "requested");
    private static final AtomicIntegerFieldUpdater<WatchSubscription> WIP =
            AtomicIntegerFieldUpdater.newUpdater(WatchSubscription.class, "wip");
    private static final AtomicIntegerFieldUpdater<WatchSubscription> RELEASED =
            AtomicIntegerFieldUpdater.newUpdater(WatchSubscription.class, "released");
    private static final AtomicReferenceFieldUpdater<WatchSubscription, Throwable> ERROR =
            AtomicReferenceFieldUpdater.newUpdater(WatchSubscription.class, Throwable.class, "error");

    private final WatchEngine engine;
    private final CoreSubscriber<? super TaskInfo> actual;
    private final WatchOptions options;
    private final Scheduler scheduler;
    private final String instanceId;
    private final long taskId;
    private final long startedAt;
    private volatile long requested;
    private volatile int wip;
    /** 1 once the engine was told this watch ended: release() may run twice (cancel after terminate). */
    private volatile int released;
    /** The error to deliver: a failure recorded before it could be signalled, or a §3.9 violation. */
    private volatile Throwable error;
    /** Written by the poller under its monitor (loop first), read without it (poller first). */
    private volatile InstancePoller poller;
    private volatile TaskLoop loop;
    private volatile long deliveredVersion;
    private volatile boolean cancelled;
    private volatile boolean done;
    private volatile boolean started;
    private volatile Disposable deadline;

    WatchSubscription(WatchEngine engine, CoreSubscriber<? super TaskInfo> actual, WatchOptions options,
            Scheduler scheduler, String instanceId, long taskId) {
        this.engine = engine;
        this.actual = actual;
        this.options = options;
        this.scheduler = scheduler;
        this.instanceId = instanceId;
        this.taskId = taskId;
        this.startedAt = scheduler.now(TimeUnit.MILLISECONDS);
    }

    long taskId() {
        return taskId;
    }

    WatchOptions options() {
        return options;
    }

    boolean isCancelled() {
        return cancelled;
    }

    /** Called by the poller, under its monitor, when the subscriber joins a loop. */
    void attached(InstancePoller poller, TaskLoop loop) {
        this.loop = loop;
        this.poller = poller;
    }

    /** Starts the deadline timer, then emits whatever the loop already has. */
    void start() {
        started = true;
        armDeadline(0);
        if (cancelled || done) {
            disposeDeadline();
        }
        drain();
    }

    /** Arms the deadline timer for what {@link WatchPolicy#untilDeadline} says is left, if there is a deadline. */
    private void armDeadline(long elapsedMillis) {
        long left = WatchPolicy.untilDeadline(elapsedMillis, options);
        if (left != Long.MAX_VALUE) {
            deadline = scheduler.schedule(this::deadlineTimer, left, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The deadline timer fired: ends the watch if the policy says the deadline passed by the scheduler's clock, or
     * arms the timer again for the rest (a wall clock set back while the timer ran).
     */
    private void deadlineTimer() {
        long elapsed = scheduler.now(TimeUnit.MILLISECONDS) - startedAt;
        if (WatchPolicy.untilDeadline(elapsed, options) > 0) {
            if (!cancelled && !done) {
                armDeadline(elapsed);
            }
            return;
        }
        end(WatchPolicy.deadlinePassed(options));
    }

    /**
     * Whether this subscriber wants its task polled, given the version of the task's latest state: the policy's
     * {@link WatchPolicy.Delivery#POLL} (it asked for an item, and has every version up to {@code version}).
     */
    boolean wantsNewerThan(long version) {
        return !done && !cancelled && WatchPolicy.deliver(error != null, version, deliveredVersion, requested > 0,
                false, false) == WatchPolicy.Delivery.POLL;
    }

    /**
     * Records this subscriber's end if the policy says a poll's outcome ends it (its not-found grace is over). Called
     * by the poller under its monitor, so it only records: the poller drains this subscriber after releasing it.
     */
    void judge(TaskInfo previous, WatchPolicy.Outcome outcome, long now) {
        if (WatchPolicy.decide(previous, outcome, now - startedAt, options) instanceof WatchPolicy.End end) {
            ERROR.compareAndSet(this, null, error(end, previous));
        }
    }

    /** Ends this watch because its client was closed; delivered at once, or in {@link #start()} if not started. */
    void clientClosed() {
        if (ERROR.compareAndSet(this, null, failure(DbbrainWatchException.Reason.CLIENT_CLOSED, "the client was closed",
                latest(), null))) {
            drain();
        }
    }

    private void end(WatchPolicy.End end) {
        if (ERROR.compareAndSet(this, null, error(end, latest()))) {
            drain();
        }
    }

    private TaskInfo latest() {
        TaskLoop l = loop;
        return l == null ? null : l.latest();
    }

    /**
     * The error a policy's end is delivered as: a {@link DbbrainWatchException} with its reason and the last state
     * seen, the poll's own error when it is no {@link DbbrainException} (a bug, not a service answer, passed on as it
     * is), or {@code null} for a normal completion.
     */
    private Throwable error(WatchPolicy.End end, TaskInfo lastSeen) {
        if (end.reason().watchReason() == null) {
            return null;
        }
        if (end.reason() == WatchPolicy.EndReason.POLL_FAILED && !(end.cause() instanceof DbbrainException)) {
            return end.cause();
        }
        return failure(end.reason().watchReason(), end.detail(), lastSeen,
                end.cause() instanceof DbbrainException de ? de : null);
    }

    private DbbrainWatchException failure(DbbrainWatchException.Reason reason, String message, TaskInfo lastSeen,
            DbbrainException cause) {
        return new DbbrainWatchException(reason, instanceId, taskId, lastSeen, message, cause);
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            ERROR.compareAndSet(this, null, new IllegalArgumentException(
                    "§3.9 violated: request must be positive, was " + n));
        } else {
            Operators.addCap(REQUESTED, this, n);
        }
        drain();
    }

    @Override
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            release();
        }
    }

    private void release() {
        if (RELEASED.compareAndSet(this, 0, 1)) {
            engine.released(instanceId, taskId);
        }
        disposeDeadline();
        leave();
    }

    /** Leaves the loop, if it has joined one; leaving twice is harmless. */
    void leave() {
        InstancePoller p = poller;
        TaskLoop l = loop;
        if (p != null && l != null) {
            p.detach(this, l);
        }
    }

    private void disposeDeadline() {
        Disposable d = deadline;
        if (d != null) {
            d.dispose();
        }
    }

    /**
     * Emits what {@link WatchPolicy#deliver} says is due: a recorded end, the latest state if asked for (then the end
     * after a terminal state), a failure of the task's polling; or asks the poller for a poll.
     */
    void drain() {
        if (!started) {
            // Nothing may reach the subscriber before onSubscribe; start() drains what was recorded meanwhile.
            return;
        }
        if (WIP.getAndIncrement(this) != 0) {
            return;
        }
        int missed = 1;
        boolean wantsPoll = false;
        for (;;) {
            if (cancelled || done) {
                return;
            }
            TaskLoop l = loop;
            Throwable e = error;
            TaskLoop.Snapshot snapshot = l == null ? null : l.snapshot();
            long r = requested;
            WatchPolicy.Delivery next = WatchPolicy.deliver(e != null, snapshot == null ? 0 : snapshot.version(),
                    deliveredVersion, r > 0, l != null && l.failure() != null, l == null || l.isEnded());
            if (next == WatchPolicy.Delivery.END) {
                terminate(e);
                return;
            }
            if (next == WatchPolicy.Delivery.EMIT_LATEST) {
                deliveredVersion = snapshot.version();
                if (r != Long.MAX_VALUE) {
                    REQUESTED.decrementAndGet(this);
                }
                TaskInfo state = snapshot.info();
                actual.onNext(state);
                WatchPolicy.End ending = WatchPolicy.ending(state, options);
                if (ending != null) {
                    terminate(error(ending, state));
                    return;
                }
                continue;
            }
            if (next == WatchPolicy.Delivery.POLL_FAILED) {
                terminate(error(l.failure(), l.latest()));
                return;
            }
            wantsPoll = next == WatchPolicy.Delivery.POLL;
            missed = WIP.addAndGet(this, -missed);
            if (missed == 0) {
                break;
            }
        }
        InstancePoller p = poller;
        if (wantsPoll && p != null) {
            p.reschedule();
        }
    }

    /** Ends the watch: gives its place back and leaves its loop, then tells the subscriber. */
    private void terminate(Throwable e) {
        done = true;
        release();
        if (e == null) {
            actual.onComplete();
        } else {
            actual.onError(e);
        }
    }

    @Override
    public Object scanUnsafe(Attr key) {
        if (key == Attr.PARENT) {
            return loop;
        }
        if (key == Attr.ACTUAL) {
            return actual;
        }
        if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
            return requested;
        }
        if (key == Attr.CANCELLED) {
            return cancelled;
        }
        if (key == Attr.TERMINATED) {
            return done;
        }
        if (key == Attr.RUN_STYLE) {
            return Attr.RunStyle.ASYNC;
        }
        if (key == Attr.RUN_ON) {
            return scheduler;
        }
        return null;
    }
}
