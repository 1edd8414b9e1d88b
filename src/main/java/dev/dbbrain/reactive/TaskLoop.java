package dev.dbbrain.reactive;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import reactor.core.Scannable;

/**
 * The shared poll loop of one task: the latest state, who watches it, and when it is due. What a poll's outcome does
 * to it is {@link WatchPolicy}'s to decide ({@link #apply}); this class only keeps the result.
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
    /** Why polling stopped for good, when it was not the terminal state: the policy's {@code POLL_FAILED} end. */
    private volatile WatchPolicy.End failure;

    // Guarded by the poller's monitor.
    private final List<WatchSubscription> subscribers = new ArrayList<>(1);
    private InstancePoller.Batch batch;
    private long nextDue;
    private long slack;
    private int unchangedPolls;

    TaskLoop(long taskId) {
        this.taskId = taskId;
    }

    /** A loop for a task that ended a moment ago: it only hands out the final state. */
    static TaskLoop ended(TaskInfo terminal) {
        TaskLoop loop = new TaskLoop(terminal.asyncRequestId());
        loop.snapshot = new Snapshot(terminal, 1);
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

    WatchPolicy.End failure() {
        return failure;
    }

    @Override
    public Object scanUnsafe(Attr key) {
        if (key == Attr.TERMINATED) {
            return ended;
        }
        if (key == Attr.ERROR) {
            WatchPolicy.End f = failure;
            return f == null ? null : f.cause();
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
        scheduleNext(now, 0);
    }

    /**
     * Schedules the next poll after a settled one whose state was observed {@code ageMillis} before {@code now}
     * (another replica's, {@link TaskStateSource.Answer#ageMillis}): the interval counts from the observation, and
     * the next poll is never due before that state is older than the interval, when the fleet polls it again.
     */
    void scheduleNext(long now, long ageMillis) {
        long delay = nextDelayMillis();
        if (ageMillis > 0) {
            long observed = now - ageMillis;
            nextDue = Math.max(observed + delay, observed + intervalMillis());
        } else {
            nextDue = now + delay;
        }
        slack = delay / 2;
    }

    /** Marks the loop as polling no more: the client is closing. */
    void end() {
        ended = true;
    }

    /** Marks the loop as polling no more because polling failed for good. */
    private void fail(WatchPolicy.End end) {
        failure = end;
        ended = true;
    }

    /**
     * Applies one poll's outcome as {@link WatchPolicy} decides: a new latest state, nothing new, a skipped round, or
     * the end of polling. When the task has never been seen and the poll did not report it, each subscriber is judged
     * on its own grace; it only records its end, and is drained once the monitor is released.
     *
     * @return the task's decision
     */
    WatchPolicy.Decision apply(WatchPolicy.Outcome outcome, long now) {
        Snapshot current = snapshot;
        TaskInfo previous = current == null ? null : current.info();
        WatchPolicy.Decision decision = WatchPolicy.decide(previous, outcome);
        if (decision instanceof WatchPolicy.Emit emit) {
            snapshot = new Snapshot(emit.state(), current == null ? 1 : current.version() + 1);
            unchangedPolls = 0;
            if (emit.state().isTerminal()) {
                ended = true;
            }
        } else if (decision instanceof WatchPolicy.End end) {
            fail(end);
        } else if (WatchPolicy.unchanged(decision)) {
            unchangedPolls++;
        }
        if (WatchPolicy.judgedPerSubscriber(previous, outcome)) {
            for (WatchSubscription s : subscribers) {
                s.judge(previous, outcome, now);
            }
        }
        return decision;
    }

    /** Whether the task's polling ended with its terminal state (not with a failure). */
    boolean endedWithTerminalState() {
        Snapshot s = snapshot;
        return ended && failure == null && s != null && s.info().isTerminal();
    }

    /** Whether two states differ, as {@link WatchPolicy#changed} says; kept here for the tests that check streams. */
    static boolean changed(TaskInfo a, TaskInfo b) {
        return WatchPolicy.changed(a, b);
    }

    /** Whether a state goes backwards, as {@link WatchPolicy#regresses} says; kept here for the tests. */
    static boolean regresses(TaskInfo old, TaskInfo next) {
        return WatchPolicy.regresses(old, next);
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

    /** The interval, without jitter, the most eager subscriber asks for after this many unchanged polls. */
    long intervalMillis() {
        long interval = Long.MAX_VALUE;
        for (WatchSubscription s : subscribers) {
            interval = Math.min(interval, s.options().intervalMillis(unchangedPolls));
        }
        return interval == Long.MAX_VALUE ? 1000 : interval;
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
