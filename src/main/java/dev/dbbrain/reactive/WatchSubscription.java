package dev.dbbrain.reactive;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

/**
 * One subscriber of a watch: its demand, the version of the last state it was given, and its own deadline and
 * not-found grace.
 *
 * <p>Signals are serialised by a work-in-progress counter (the usual Reactor drain loop): whoever increments it from
 * zero emits, others leave their work to that thread. A subscriber always gets the latest state of the loop, so
 * states it had no demand for are skipped; the terminal state is the loop's last, so it is never skipped.
 */
final class WatchSubscription implements org.reactivestreams.Subscription {

    private final CoreSubscriber<? super TaskInfo> actual;
    private final WatchOptions options;
    private final Scheduler scheduler;
    private final String instanceId;
    private final long taskId;
    private final long startedAt;
    private final DbbrainEventListener listener;
    /** Set when the listener was told this watch ended: release() may run twice (cancel after terminate). */
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicLong requested = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicReference<Throwable> error = new AtomicReference<>();
    private volatile InstancePoller poller;
    private volatile TaskLoop loop;
    private volatile long deliveredVersion;
    private volatile boolean cancelled;
    private volatile boolean done;
    private volatile boolean started;
    private volatile Disposable deadline;

    WatchSubscription(CoreSubscriber<? super TaskInfo> actual, WatchOptions options, Scheduler scheduler,
            String instanceId, long taskId, DbbrainEventListener listener) {
        this.actual = actual;
        this.options = options;
        this.scheduler = scheduler;
        this.instanceId = instanceId;
        this.taskId = taskId;
        this.startedAt = scheduler.now(TimeUnit.MILLISECONDS);
        this.listener = listener;
        listener.watchStarted();
    }

    long taskId() {
        return taskId;
    }

    WatchOptions options() {
        return options;
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
        return !done && !cancelled && requested.get() > 0 && deliveredVersion >= version && error.get() == null;
    }

    /**
     * Records a not-found failure once the grace period is over. Called by the poller under its monitor, so it only
     * records: the poller drains this subscriber after releasing the monitor.
     */
    void checkNotFound(long now) {
        if (now - startedAt >= options.notFoundGrace().toMillis()) {
            error.compareAndSet(null, failure(DbbrainWatchException.Reason.NOT_FOUND, "the service did not report "
                    + "the task within the not-found grace period of " + options.notFoundGrace()));
        }
    }

    /** Ends this watch because its client was closed; delivered at once, or in {@link #start()} if not started. */
    void clientClosed() {
        fail(DbbrainWatchException.Reason.CLIENT_CLOSED, "the client was closed");
    }

    private void fail(DbbrainWatchException.Reason reason, String message) {
        if (error.compareAndSet(null, failure(reason, message))) {
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
            error.compareAndSet(null, new IllegalArgumentException(
                    "§3.9 violated: request must be positive, was " + n));
        } else {
            requested.getAndUpdate(r -> Operators.addCap(r, n));
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
        if (released.compareAndSet(false, true)) {
            listener.watchEnded();
        }
        disposeDeadline();
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
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        boolean wantsPoll = false;
        for (;;) {
            if (cancelled || done) {
                return;
            }
            Throwable e = error.get();
            if (e != null) {
                terminate(e);
                return;
            }
            TaskLoop l = loop;
            if (l != null) {
                TaskLoop.Snapshot snapshot = l.snapshot;
                long r = requested.get();
                if (snapshot != null && snapshot.version() > deliveredVersion && r > 0) {
                    deliveredVersion = snapshot.version();
                    if (r != Long.MAX_VALUE) {
                        requested.decrementAndGet();
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
                Throwable failure = l.failure;
                if (failure != null) {
                    terminate(failure instanceof DbbrainException de
                            ? new DbbrainWatchException(DbbrainWatchException.Reason.POLL_FAILED, instanceId, taskId,
                                    l.latest(), de.getMessage(), de)
                            : failure);
                    return;
                }
                wantsPoll = r > 0 && !l.ended;
            }
            missed = wip.addAndGet(-missed);
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
}
