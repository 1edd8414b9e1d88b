package dev.dbbrain.reactive;

import java.util.Objects;

/**
 * The rules of a watch, as pure functions of plain values: what a poll's outcome means for a task and for each of its
 * subscribers, what a subscriber is given next, and when its deadline passes. No scheduler, lock, clock read or I/O:
 * the engine ({@link InstancePoller}, {@link TaskLoop}, {@link WatchSubscription}) reads the clock, holds the locks
 * and signals, and asks here what to do; it embeds no rule of its own. AWS SDK v2's waiters decide the same way
 * (acceptors, a pure function of a response or an error) before their executor schedules anything.
 *
 * <p>The rules, each tested in {@code WatchPolicyTest}:
 * <ul>
 * <li><b>Change and regression</b>: the first state seen is emitted; a later one only when it differs in status,
 * progress or proxy lists and does not go backwards (a lower status or, in the same status, a lower progress: an
 * older replica answering); nothing follows a terminal state.
 * <li><b>Not-found grace</b>: a task not reported while it was never seen ends a subscriber's watch with
 * {@link EndReason#NOT_FOUND} once that subscriber's grace, counted from its subscription, is over; once seen, a task
 * is never "not found". A {@code ResourceNotFound*} error counts as an answer that does not report the task.
 * <li><b>A skipped round</b>: an error that says nothing was sent (a rate limiter's full queue,
 * {@link DbbrainCapacityException}) skips the round: nothing was learnt, so the task is polled again after its
 * interval, and the interval does not grow.
 * <li><b>A failed poll</b>: any other error ends every watch of the task with {@link EndReason#POLL_FAILED}. A
 * retryable error reaches the engine only once the client's retry budget is spent, so it ends the watch too.
 * <li><b>{@code failedAsError}</b>: a terminal state is emitted, then the watch completes, or fails with
 * {@link EndReason#TASK_FAILED} when the task failed and the subscriber asked for that.
 * <li><b>Deadline</b>: counted from subscription; once passed, the watch ends with {@link EndReason#DEADLINE}, judged
 * before the grace. A recorded end is delivered before any state still waiting for demand, the terminal state
 * included: a subscriber that asked for nothing until its deadline gets the deadline.
 * <li><b>Delivery</b>: a subscriber is given the latest state when it asks, skipping states it had no demand for; the
 * terminal state is a task's last, so it is never skipped.
 * </ul>
 *
 * <p>Rules that hold for a task are decided once per poll for all its subscribers
 * ({@link #decide(TaskInfo, Outcome)}); the rules that depend on one subscriber's options and age (grace, deadline)
 * are applied per subscriber ({@link #decide(TaskInfo, Outcome, long, WatchOptions)}), so subscribers with different
 * options can share one poll loop.
 */
final class WatchPolicy {

    private WatchPolicy() {
    }

    /** What one poll learnt about one task. Sources of states ({@link TaskStateSource}) speak in these. */
    sealed interface Outcome permits Reported, Missing, Failed {

        /** The task was not in the answer (or the service said it knows no such resource). */
        Outcome NOT_REPORTED = Missing.NOT_REPORTED;
        /** Nothing was sent, so nothing was learnt: the round was skipped. */
        Outcome SKIPPED = Missing.SKIPPED;

        /**
         * The outcome an error of a poll stands for: {@code ResourceNotFound*} is an answer that does not report the
         * task (the API does not say how it answers unknown IDs), a capacity refusal a skipped round, anything else a
         * failed poll.
         */
        static Outcome ofError(Throwable error) {
            Objects.requireNonNull(error, "error");
            if (error instanceof DbbrainApiException e && e.code().startsWith("ResourceNotFound")) {
                return NOT_REPORTED;
            }
            if (error instanceof DbbrainCapacityException) {
                return SKIPPED;
            }
            return new Failed(error);
        }
    }

    /** The task was in the answer, in this state. */
    record Reported(TaskInfo state) implements Outcome {
        Reported {
            Objects.requireNonNull(state, "state");
        }
    }

    /** The outcomes without a state. */
    enum Missing implements Outcome {
        /** See {@link Outcome#NOT_REPORTED}. */
        NOT_REPORTED,
        /** See {@link Outcome#SKIPPED}. */
        SKIPPED
    }

    /** The poll failed for good (retries, if any, are spent). */
    record Failed(Throwable error) implements Outcome {
        Failed {
            Objects.requireNonNull(error, "error");
        }
    }

    /** Why a watch ends; every reason but {@link #COMPLETED} is an error of the public {@code Reason}. */
    enum EndReason {
        /** The terminal state was emitted and the watch completes normally. */
        COMPLETED(null),
        /** The task ended {@code failed} and the subscriber asked for that to be an error. */
        TASK_FAILED(DbbrainWatchException.Reason.TASK_FAILED),
        /** The task was not reported within the subscriber's not-found grace. */
        NOT_FOUND(DbbrainWatchException.Reason.NOT_FOUND),
        /** Polling failed for good. */
        POLL_FAILED(DbbrainWatchException.Reason.POLL_FAILED),
        /** The subscriber's deadline passed. */
        DEADLINE(DbbrainWatchException.Reason.DEADLINE);

        private final DbbrainWatchException.Reason watchReason;

        EndReason(DbbrainWatchException.Reason watchReason) {
            this.watchReason = watchReason;
        }

        /** The reason of the {@link DbbrainWatchException} this end is delivered as; {@code null} for completion. */
        DbbrainWatchException.Reason watchReason() {
            return watchReason;
        }
    }

    /** What to do after an outcome: emit a state, wait, skip, or end. */
    sealed interface Decision permits Emit, Wait, End {
        /** Nothing new (the same state, an older one, or none yet): poll again after the interval, which may grow. */
        Decision WAIT = Wait.WAIT;
        /** Nothing learnt: poll again after the interval, which does not grow. */
        Decision SKIP = Wait.SKIP;
    }

    /** A new latest state, to be given to every subscriber when it asks. */
    record Emit(TaskInfo state) implements Decision {
    }

    /** The decisions to poll again later. */
    enum Wait implements Decision {
        /** See {@link Decision#WAIT}. */
        WAIT,
        /** See {@link Decision#SKIP}. */
        SKIP
    }

    /**
     * The end of a watch (or, for {@link EndReason#POLL_FAILED}, of a task's polling).
     *
     * @param reason why
     * @param cause the poll's error for {@link EndReason#POLL_FAILED}, otherwise {@code null}
     * @param detail what happened, in words, for the exception's message
     */
    record End(EndReason reason, Throwable cause, String detail) implements Decision {
        End {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** What a subscriber is owed when it is drained. */
    enum Delivery {
        /** An end was recorded for it (deadline, not found, a broken rule, a closed client): deliver it now. */
        END,
        /** Emit the latest state; then end as {@link #ending} says if it is terminal. */
        EMIT_LATEST,
        /** Its task's polling failed, and it has every state it can be given: deliver the failure. */
        POLL_FAILED,
        /** It asked for a state newer than the latest: the task should be polled. */
        POLL,
        /** Nothing to do until it asks or something changes. */
        IDLE
    }

    private static final End COMPLETED = new End(EndReason.COMPLETED, null, "the task ended");

    // ---- The task's rules: the same for every subscriber ----

    /**
     * What one poll's outcome means for a task whose latest state is {@code previous}: {@link Emit} a new latest
     * state, {@link Decision#WAIT} when there is nothing new, {@link Decision#SKIP} when nothing was learnt, or
     * {@link End} with {@link EndReason#POLL_FAILED}. The not-found grace is per subscriber: see
     * {@link #judgedPerSubscriber}.
     *
     * @param previous the latest state taken so far, or {@code null} if the task was never seen
     * @param outcome what the poll learnt
     */
    static Decision decide(TaskInfo previous, Outcome outcome) {
        if (outcome instanceof Reported r) {
            TaskInfo next = r.state();
            if (previous == null) {
                return new Emit(next);
            }
            if (previous.isTerminal() || !changed(previous, next) || regresses(previous, next)) {
                return Decision.WAIT;
            }
            return new Emit(next);
        }
        if (outcome instanceof Failed f) {
            return new End(EndReason.POLL_FAILED, f.error(), messageOf(f.error()));
        }
        return outcome == Outcome.SKIPPED ? Decision.SKIP : Decision.WAIT;
    }

    /**
     * Whether this outcome may end some subscribers of the task and not others, so that each must be judged with
     * {@link #decide(TaskInfo, Outcome, long, WatchOptions)}: a task not reported while never seen (their graces
     * differ).
     */
    static boolean judgedPerSubscriber(TaskInfo previous, Outcome outcome) {
        return previous == null && outcome == Outcome.NOT_REPORTED;
    }

    /** Whether a poll that {@code decide} answered this way counts as unchanged, which grows the next interval. */
    static boolean unchanged(Decision decision) {
        return decision == Decision.WAIT;
    }

    // ---- One subscriber's rules ----

    /**
     * What one poll's outcome means for one subscriber: the task's decision ({@link #decide(TaskInfo, Outcome)}),
     * ended by this subscriber's deadline or not-found grace when they are over.
     *
     * @param previous the latest state taken so far, or {@code null} if the task was never seen
     * @param outcome what the poll learnt
     * @param elapsedMillis how long the subscriber has been watching
     * @param options the subscriber's options
     */
    static Decision decide(TaskInfo previous, Outcome outcome, long elapsedMillis, WatchOptions options) {
        if (untilDeadline(elapsedMillis, options) == 0) {
            return deadlinePassed(options);
        }
        if (judgedPerSubscriber(previous, outcome) && elapsedMillis >= options.notFoundGrace().toMillis()) {
            return new End(EndReason.NOT_FOUND, null, "the service did not report the task within the not-found "
                    + "grace period of " + options.notFoundGrace());
        }
        return decide(previous, outcome);
    }

    /**
     * How a watch ends after emitting {@code emitted}: {@code null} if it goes on (the state is not terminal),
     * otherwise completion, or {@link EndReason#TASK_FAILED} for a failed task under {@code failedAsError}.
     */
    static End ending(TaskInfo emitted, WatchOptions options) {
        if (!emitted.isTerminal()) {
            return null;
        }
        if (emitted.taskStatus() == TaskStatus.FAILED && options.failedAsError()) {
            return new End(EndReason.TASK_FAILED, null, "the task failed");
        }
        return COMPLETED;
    }

    /**
     * Milliseconds until the subscriber's deadline passes: {@link Long#MAX_VALUE} without a deadline, {@code 0} once
     * it has passed.
     */
    static long untilDeadline(long elapsedMillis, WatchOptions options) {
        return options.deadline().map(d -> Math.max(0, d.toMillis() - elapsedMillis)).orElse(Long.MAX_VALUE);
    }

    /** The end of a watch whose deadline passed. */
    static End deadlinePassed(WatchOptions options) {
        return new End(EndReason.DEADLINE, null, "deadline of " + options.deadline().orElseThrow() + " passed");
    }

    /**
     * What a subscriber is given now. A recorded end comes first; then the latest state if it is newer than the last
     * one given and the subscriber asked (so a slow subscriber skips the states in between, and the terminal state,
     * a task's last, is never skipped); then a failure of the task's polling, which needs no demand; then a poll, if
     * the subscriber asked and the task is still polled.
     *
     * @param endRecorded whether an end was recorded for this subscriber
     * @param latestVersion the version of the task's latest state, 0 for none
     * @param deliveredVersion the version of the last state given to this subscriber, 0 for none
     * @param demand whether the subscriber has requested an item not yet given
     * @param pollFailed whether the task's polling failed for good
     * @param pollingEnded whether the task is polled no more (terminal state taken, or polling failed)
     */
    static Delivery deliver(boolean endRecorded, long latestVersion, long deliveredVersion, boolean demand,
            boolean pollFailed, boolean pollingEnded) {
        if (endRecorded) {
            return Delivery.END;
        }
        if (demand && latestVersion > deliveredVersion) {
            return Delivery.EMIT_LATEST;
        }
        if (pollFailed) {
            return Delivery.POLL_FAILED;
        }
        return demand && !pollingEnded ? Delivery.POLL : Delivery.IDLE;
    }

    // ---- What counts as a change ----

    /** Whether two states of a task differ in status, progress or proxy lists (times are not compared). */
    static boolean changed(TaskInfo a, TaskInfo b) {
        return !a.status().equals(b.status()) || a.progress() != b.progress()
                || !a.instProxyList().equals(b.instProxyList())
                || !a.finishedProxyList().equals(b.finishedProxyList())
                || !a.failedProxyList().equals(b.failedProxyList());
    }

    /**
     * Whether {@code next} goes backwards from {@code old}: a lower status, or a lower progress in the same status. A
     * status this library does not know is never a regression, nor regressed from.
     */
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

    private static String messageOf(Throwable error) {
        return error.getMessage() != null ? error.getMessage() : error.getClass().getName();
    }
}
