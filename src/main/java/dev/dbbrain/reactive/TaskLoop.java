package dev.dbbrain.reactive;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import reactor.core.Scannable;

/**
 * The shared poll loop of one task: the latest state, who watches it, and when it is due.
 *
 * <p>Threading, in one place: every method is called by its {@link InstancePoller} with the poller's monitor held,
 * except the <em>unguarded reads</em> ({@link #snapshot()}, {@link #latest()}, {@link #version()},
 * {@link #isEnded()}, {@link #failure()} and {@link #scanUnsafe}), which subscribers call without it. Those read
 * volatile fields that are written only under the monitor, so a subscriber sees each state whole and never a state
 * older than one it has seen; everything else is plain fields that only the monitor's holder touches.
 *
 * <p>As a {@link Scannable} it is the {@code PARENT} its subscriptions report, as the shared parent of the inners of
 * Reactor's multicasting operators ({@code FluxReplay}, {@code FluxPublish}) is.
 */
final class TaskLoop implements Scannable {

    /** A state and its version: versions count the changes a subscriber may have missed. */
    record Snapshot(TaskInfo info, long version) {
    }

    private final long taskId;

    // Written under the poller's monitor, read without it.
    private volatile Snapshot snapshot;
    /** Set once the loop will poll no more: the task ended, or polling failed for good. */
    private volatile boolean ended;
    /** Why polling stopped for good, when it was not the terminal state. */
    private volatile Throwable failure;

    // Guarded by the poller's monitor.
    private final List<WatchSubscription> subscribers = new ArrayList<>(1);
    private InstancePoller.Batch batch;
    private long nextDue;
    private long slack;
    private int unchangedPolls;
    private boolean seen;

    TaskLoop(long taskId) {
        this.taskId = taskId;
    }

    /** A loop for a task that ended a moment ago: it only hands out the final state. */
    static TaskLoop ended(TaskInfo terminal) {
        TaskLoop loop = new TaskLoop(terminal.asyncRequestId());
        loop.snapshot = new Snapshot(terminal, 1);
        loop.seen = true;
        loop.ended = true;
        return loop;
    }

    long taskId() {
        return taskId;
    }

    // ---- Unguarded reads: subscribers call these without the monitor. ----

    Snapshot snapshot() {
        return snapshot;
    }

    long version() {
        Snapshot s = snapshot;
        return s == null ? 0 : s.version();
    }

    TaskInfo latest() {
        Snapshot s = snapshot;
        return s == null ? null : s.info();
    }

    boolean isEnded() {
        return ended;
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public Object scanUnsafe(Attr key) {
        if (key == Attr.TERMINATED) {
            return ended;
        }
        if (key == Attr.ERROR) {
            return failure;
        }
        if (key == Attr.RUN_STYLE) {
            return Attr.RunStyle.ASYNC;
        }
        return null;
    }

    // ---- Guarded by the poller's monitor. ----

    void addSubscriber(WatchSubscription subscription) {
        subscribers.add(subscription);
    }

    /** Removes a subscriber; {@code false} if it had left already (a cancel racing a terminal signal). */
    boolean removeSubscriber(WatchSubscription subscription) {
        return subscribers.remove(subscription);
    }

    boolean hasSubscribers() {
        return !subscribers.isEmpty();
    }

    void addSubscribersTo(Collection<? super WatchSubscription> to) {
        to.addAll(subscribers);
    }

    InstancePoller.Batch batch() {
        return batch;
    }

    void batch(InstancePoller.Batch batch) {
        this.batch = batch;
    }

    long nextDue() {
        return nextDue;
    }

    /** Whether the loop is due by {@code now}, counting the slack that lets a task join a round a little early. */
    boolean dueBy(long now) {
        return nextDue <= now + slack;
    }

    /** Schedules the next poll after a settled one, at the interval the most eager subscriber asks for. */
    void scheduleNext(long now) {
        long delay = nextDelayMillis();
        nextDue = now + delay;
        slack = delay / 2;
    }

    /** Marks the loop as polling no more: its task ended. */
    void end() {
        ended = true;
    }

    /** Marks the loop as polling no more because polling failed for good. */
    void fail(Throwable error) {
        failure = error;
        ended = true;
    }

    /**
     * Records a poll whose answer did not report the task: an unchanged poll, and a not-found failure for each
     * subscriber whose grace period is over while the task was never seen.
     */
    void notReported(long now) {
        unchangedPolls++;
        if (!seen) {
            for (WatchSubscription s : subscribers) {
                s.checkNotFound(now);
            }
        }
    }

    /**
     * Takes a polled state if it differs from the latest in status, progress or proxy lists and does not go
     * backwards (a lower status or, in the same status, a lower progress: an older replica answering).
     *
     * @return whether the state was taken as a change
     */
    boolean accept(TaskInfo info) {
        seen = true;
        Snapshot current = snapshot;
        if (current == null) {
            snapshot = new Snapshot(info, 1);
            unchangedPolls = 0;
            return true;
        }
        TaskInfo old = current.info();
        if (old.isTerminal() || !changed(old, info) || regresses(old, info)) {
            unchangedPolls++;
            return false;
        }
        snapshot = new Snapshot(info, current.version() + 1);
        unchangedPolls = 0;
        return true;
    }

    static boolean changed(TaskInfo a, TaskInfo b) {
        return !a.status().equals(b.status()) || a.progress() != b.progress()
                || !a.instProxyList().equals(b.instProxyList())
                || !a.finishedProxyList().equals(b.finishedProxyList())
                || !a.failedProxyList().equals(b.failedProxyList());
    }

    static boolean regresses(TaskInfo old, TaskInfo next) {
        int before = rank(old.taskStatus());
        int after = rank(next.taskStatus());
        if (before < 0 || after < 0) {
            return false;
        }
        return after < before || (after == before && next.progress() < old.progress());
    }

    private static int rank(TaskStatus status) {
        return switch (status) {
            case CREATED -> 0;
            case CHOSEN -> 1;
            case RUNNING -> 2;
            case FAILED, FINISHED -> 3;
            case UNKNOWN -> -1;
        };
    }

    /** Whether some subscriber asked for an item and has already seen the latest state. */
    boolean wanted() {
        if (ended || batch != null) {
            return false;
        }
        long version = version();
        for (WatchSubscription s : subscribers) {
            if (s.wantsNewerThan(version)) {
                return true;
            }
        }
        return false;
    }

    /** The delay the most eager subscriber asks for after this many unchanged polls. */
    private long nextDelayMillis() {
        long delay = Long.MAX_VALUE;
        for (WatchSubscription s : subscribers) {
            delay = Math.min(delay, s.options().nextDelayMillis(unchangedPolls));
        }
        return delay == Long.MAX_VALUE ? 1000 : delay;
    }
}
