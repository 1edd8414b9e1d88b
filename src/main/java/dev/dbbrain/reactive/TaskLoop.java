package dev.dbbrain.reactive;

import java.util.ArrayList;
import java.util.List;

/**
 * The shared poll loop of one task: the latest state, who watches it, and when it is due. Guarded by the monitor of
 * its {@link InstancePoller}, except {@link #snapshot}, which subscribers read without it.
 */
final class TaskLoop {

    /** A state and its version: versions count the changes a subscriber may have missed. */
    record Snapshot(TaskInfo info, long version) {
    }

    final long taskId;
    final List<WatchSubscription> subscribers = new ArrayList<>(1);
    volatile Snapshot snapshot;
    /** Set once the loop will poll no more: the task ended, or polling failed for good. */
    volatile boolean ended;
    /** Why polling stopped for good, when it was not the terminal state. */
    volatile Throwable failure;
    InstancePoller.Batch batch;
    long nextDue;
    long slack;
    int unchangedPolls;
    boolean seen;

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

    long version() {
        Snapshot s = snapshot;
        return s == null ? 0 : s.version();
    }

    TaskInfo latest() {
        Snapshot s = snapshot;
        return s == null ? null : s.info();
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
            return true;
        }
        TaskInfo old = current.info();
        if (old.isTerminal() || !changed(old, info) || regresses(old, info)) {
            return false;
        }
        snapshot = new Snapshot(info, current.version() + 1);
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
    long nextDelayMillis() {
        long delay = Long.MAX_VALUE;
        for (WatchSubscription s : subscribers) {
            delay = Math.min(delay, s.options().nextDelayMillis(unchangedPolls));
        }
        return delay == Long.MAX_VALUE ? 1000 : delay;
    }
}
