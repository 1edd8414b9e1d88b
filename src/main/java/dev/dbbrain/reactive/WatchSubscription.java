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
 * not-found grace.
 *
 * <p>Signals are serialised by a work-in-progress counter (the usual Reactor drain loop): whoever increments it from
 * zero emits, others leave their work to that thread. A subscriber always gets the latest state of the loop, so
 * states it had no demand for are skipped; the terminal state is the loop's last, so it is never skipped.
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
        options.deadline().ifPresent(d -> deadline = scheduler.schedule(
                () -> fail(DbbrainWatchException.Reason.DEADLINE, "deadline of " + d + " passed"),
                d.toMillis(), TimeUnit.MILLISECONDS));
        if (cancelled || done) {
            disposeDeadline();
        }
        drain();
    }

    /** Whether this subscriber asked for an item and has seen every version up to {@code version}. */
    boolean wantsNewerThan(long version) {
        return !done && !cancelled && requested > 0 && deliveredVersion >= version && error == null;
    }

    /**
     * Records a not-found failure once the grace period is over. Called by the poller under its monitor, so it only
     * records: the poller drains this subscriber after releasing the monitor.
     */
    void checkNotFound(long now) {
        if (now - startedAt >= options.notFoundGrace().toMillis()) {
            ERROR.compareAndSet(this, null, failure(DbbrainWatchException.Reason.NOT_FOUND, "the service did not "
                    + "report the task within the not-found grace period of " + options.notFoundGrace()));
        }
    }

    /** Ends this watch because its client was closed; delivered at once, or in {@link #start()} if not started. */
    void clientClosed() {
        fail(DbbrainWatchException.Reason.CLIENT_CLOSED, "the client was closed");
    }

    private void fail(DbbrainWatchException.Reason reason, String message) {
        if (ERROR.compareAndSet(this, null, failure(reason, message))) {
            drain();
        }
    }

    private DbbrainWatchException failure(DbbrainWatchException.Reason reason, String message) {
        TaskLoop l = loop;
        return new DbbrainWatchException(reason, instanceId, taskId, l == null ? null : l.latest(), message, null);
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
            engine.released();
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

    /** Emits what is due: an error, the latest state if asked for, completion after the terminal state. */
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
            Throwable e = error;
            if (e != null) {
                terminate(e);
                return;
            }
            TaskLoop l = loop;
            if (l != null) {
                TaskLoop.Snapshot snapshot = l.snapshot();
                long r = requested;
                if (snapshot != null && snapshot.version() > deliveredVersion && r > 0) {
                    deliveredVersion = snapshot.version();
                    if (r != Long.MAX_VALUE) {
                        REQUESTED.decrementAndGet(this);
                    }
                    actual.onNext(snapshot.info());
                    if (snapshot.info().isTerminal()) {
                        terminate(snapshot.info().taskStatus() == TaskStatus.FAILED && options.failedAsError()
                                ? new DbbrainWatchException(DbbrainWatchException.Reason.TASK_FAILED, instanceId,
                                        taskId, snapshot.info(), "the task failed", null)
                                : null);
                        return;
                    }
                    continue;
                }
                Throwable failure = l.failure();
                if (failure != null) {
                    terminate(failure instanceof DbbrainException de
                            ? new DbbrainWatchException(DbbrainWatchException.Reason.POLL_FAILED, instanceId, taskId,
                                    l.latest(), de.getMessage(), de)
                            : failure);
                    return;
                }
                wantsPoll = r > 0 && !l.isEnded();
            }
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
