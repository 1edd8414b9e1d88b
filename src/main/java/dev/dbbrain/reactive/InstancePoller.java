package dev.dbbrain.reactive;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.scheduler.Scheduler;

/**
 * Polls the watched tasks of one instance: one timer for the earliest task due, and one round of the engine's
 * {@link TaskStateSource} (one Describe request, or the fleet's shared round) per batch of up to {@code maxBatch} due tasks. What each
 * answer means is {@link WatchPolicy}'s to decide; this class schedules, batches and keeps the books.
 *
 * <p>A task is due when a subscriber has asked for an item it cannot be given from the latest state, no request for
 * the task is in flight, and its interval has passed. When the timer fires, tasks due within half their own interval
 * join the batch, and other wanted tasks fill the room left in the last request, so tasks watched together stay in
 * step and share requests round after round. One round per
 * instance is in flight at a time (its requests go out together); tasks falling due meanwhile join the next.
 *
 * <p>Threading: this object's monitor guards its own fields and every {@link TaskLoop} it holds (see there for the
 * few loop fields subscribers read without it). It is held only for bookkeeping: requests are subscribed, timers
 * disposed and subscribers signalled after it is released. The engine's count of requests in flight is lock-free
 * ({@link WatchEngine#pollStarted()}, {@link WatchEngine#pollSettled()}), so it is touched with or without it.
 */
final class InstancePoller {

    /** The tasks of one Describe request in flight. */
    static final class Batch {
        final List<TaskLoop> loops;
        /** What the source is asked: the loops' tasks, with what their watches know, read under the monitor. */
        final TaskStateSource.Round round;
        final Disposable.Swap request = Disposables.swap();
        private final AtomicBoolean settled = new AtomicBoolean();

        /** Whether this call is the first to settle the batch: each batch leaves the count in flight once. */
        boolean settle() {
            return settled.compareAndSet(false, true);
        }

        Batch(List<TaskLoop> loops, TaskStateSource.Round round) {
            this.loops = loops;
            this.round = round;
        }
    }

    private final WatchEngine engine;
    private final WatchEngine.PollerKey key;
    private final Scheduler scheduler;
    private final Map<Long, TaskLoop> loops = new HashMap<>();
    private final Set<Batch> inFlight = new HashSet<>();
    private Disposable timer;
    private long timerDue = Long.MAX_VALUE;
    private long timersFired;
    private boolean retired;

    InstancePoller(WatchEngine engine, WatchEngine.PollerKey key) {
        this.engine = engine;
        this.key = key;
        this.scheduler = key.scheduler();
    }

    long now() {
        return scheduler.now(TimeUnit.MILLISECONDS);
    }

    /** Joins the subscriber to its task's loop; {@code false} if this poller has retired and a new one is needed. */
    boolean attach(WatchSubscription subscription) {
        synchronized (this) {
            if (retired) {
                return false;
            }
            long taskId = subscription.taskId();
            TaskLoop loop = loops.get(taskId);
            if (loop == null) {
                TaskInfo terminal = engine.recentlyEnded(key, taskId, now());
                if (terminal != null) {
                    loop = TaskLoop.ended(terminal);
                } else {
                    loop = new TaskLoop(taskId);
                    loops.put(taskId, loop);
                }
            }
            loop.addSubscriber(subscription);
            subscription.attached(this, loop);
            // A subscriber served from the ended-task memory needs no poller: do not keep an empty one registered.
            retireIfIdle();
        }
        return true;
    }

    /**
     * Leaves the loop; stops its polling, and cancels its request, when nobody else watches it. Idempotent: a
     * subscriber that has left already changes nothing.
     */
    void detach(WatchSubscription subscription, TaskLoop loop) {
        Batch cancelled = null;
        synchronized (this) {
            if (!loop.removeSubscriber(subscription) || loop.hasSubscribers() || loop.isEnded()) {
                return;
            }
            Batch batch = loop.batch();
            if (batch == null) {
                loops.remove(loop.taskId(), loop);
            } else if (batch.loops.stream().noneMatch(TaskLoop::hasSubscribers)) {
                inFlight.remove(batch);
                for (TaskLoop l : batch.loops) {
                    l.batch(null);
                    loops.remove(l.taskId(), l);
                }
                cancelled = batch;
            }
            retireIfIdle();
        }
        if (cancelled != null) {
            cancelled.request.dispose();
            settle(cancelled);
        }
        reschedule();
    }

    /**
     * Sets the timer for the earliest task due, or clears it when no task is. While a round of this instance is in
     * flight, nothing is scheduled: tasks falling due meanwhile wait for it to settle and then go out together, so
     * a thousand watches subscribed at once cost a thousand divided by {@code maxBatch} requests, not a thousand
     * requests queueing at the rate limiter.
     */
    void reschedule() {
        synchronized (this) {
            if (retired) {
                return;
            }
            if (!inFlight.isEmpty()) {
                cancelTimer();
                return;
            }
            long due = Long.MAX_VALUE;
            for (TaskLoop loop : loops.values()) {
                if (loop.nextDue() < due && loop.wanted()) {
                    due = loop.nextDue();
                }
            }
            if (due == Long.MAX_VALUE) {
                cancelTimer();
                return;
            }
            if (timer != null && timerDue <= due) {
                return;
            }
            cancelTimer();
            long now = now();
            timerDue = due;
            long fired = timersFired;
            Disposable scheduled = scheduler.schedule(this::poll, Math.max(0, due - now), TimeUnit.MILLISECONDS);
            // A scheduler may run a due task before schedule() returns (a VirtualTimeScheduler does, on this
            // thread, through the reentrant monitor): that timer has fired and must not be kept as pending.
            if (timersFired == fired) {
                timer = scheduled;
            }
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.dispose();
            timer = null;
        }
        timerDue = Long.MAX_VALUE;
    }

    private void poll() {
        List<Batch> batches = new ArrayList<>();
        synchronized (this) {
            timersFired++;
            timer = null;
            timerDue = Long.MAX_VALUE;
            if (retired || !inFlight.isEmpty()) {
                return;
            }
            long now = now();
            List<TaskLoop> due = new ArrayList<>();
            List<TaskLoop> early = new ArrayList<>();
            for (TaskLoop loop : loops.values()) {
                if (loop.wanted()) {
                    (loop.dueBy(now) ? due : early).add(loop);
                }
            }
            int maxBatch = engine.maxBatch();
            // The round's last request has room left: wanted tasks not due yet fill it, soonest due first. It costs
            // no request, and it keeps tasks that fell out of step (watches subscribed while a round was in flight)
            // from alternating round after round, each polled every other round.
            int room = due.isEmpty() ? 0 : (maxBatch - due.size() % maxBatch) % maxBatch;
            if (room > 0 && !early.isEmpty()) {
                early.sort(Comparator.comparingLong(TaskLoop::nextDue));
                due.addAll(early.subList(0, Math.min(room, early.size())));
            }
            for (int from = 0; from < due.size(); from += maxBatch) {
                List<TaskLoop> loops = List.copyOf(due.subList(from, Math.min(due.size(), from + maxBatch)));
                List<Long> ids = new ArrayList<>(loops.size());
                Map<Long, TaskStateSource.Known> known = new HashMap<>(loops.size() * 2);
                for (TaskLoop loop : loops) {
                    ids.add(loop.taskId());
                    known.put(loop.taskId(), new TaskStateSource.Known(loop.intervalMillis(), loop.latest()));
                }
                Batch batch = new Batch(loops, new TaskStateSource.Round(key.instanceId(), ids, scheduler, known));
                for (TaskLoop loop : batch.loops) {
                    loop.batch(batch);
                }
                inFlight.add(batch);
                engine.pollStarted();
                batches.add(batch);
            }
        }
        for (Batch batch : batches) {
            batch.request.update(engine.source().poll(batch.round)
                    .subscribe(answer -> settled(batch, () -> onAnswer(batch, answer)),
                            error -> settled(batch, () -> onError(batch, error)),
                            () -> settled(batch, () -> onAnswer(batch, TaskStateSource.Answer.failed(
                                    new IllegalStateException("the source of states completed a round without an "
                                            + "answer"))))));
        }
        reschedule();
    }

    /**
     * Runs a batch's outcome, then counts the batch as settled: {@code pollsInFlight} reaches zero only once its
     * subscribers were signalled and the next poll scheduled, so that zero means quiet (what a test waiting for the
     * engine to settle relies on). An answer that leaves this poller idle (every task of the instance ended or
     * unwatched) settles before its subscribers are told, since nothing will follow it here: so once every watch has
     * been told its end, no request counts in flight, as no task counts as watched.
     */
    private void settled(Batch batch, Runnable outcome) {
        try {
            outcome.run();
        } finally {
            settle(batch);
        }
    }

    private void settle(Batch batch) {
        if (batch.settle()) {
            engine.pollSettled();
        }
    }

    private void onError(Batch batch, Throwable error) {
        if (engine.isClosed()) {
            // A poll cut short by close(): the engine ends these watches with CLIENT_CLOSED, not with this error.
            return;
        }
        onAnswer(batch, TaskStateSource.Answer.failed(error));
    }

    /**
     * Applies a round's answer to each of its tasks ({@link TaskLoop#apply}, as the policy decides), forgets the tasks
     * that ended or that nobody watches any more, schedules the others, and then, with the monitor released, tells
     * the listener and drains the subscribers.
     */
    private void onAnswer(Batch batch, TaskStateSource.Answer answer) {
        List<WatchSubscription> signal = new ArrayList<>();
        List<TaskInfo> changes = new ArrayList<>();
        boolean idle;
        synchronized (this) {
            if (!inFlight.remove(batch)) {
                return;
            }
            long now = now();
            for (TaskLoop loop : batch.loops) {
                loop.batch(null);
                if (loop.apply(answer.outcome(loop.taskId()), now) instanceof WatchPolicy.Emit emit) {
                    changes.add(emit.state());
                }
                if (loop.isEnded()) {
                    loops.remove(loop.taskId(), loop);
                    if (loop.endedWithTerminalState()) {
                        engine.ended(key, loop.latest(), now);
                    }
                } else if (!loop.hasSubscribers()) {
                    loops.remove(loop.taskId(), loop);
                } else {
                    loop.scheduleNext(now, answer.ageMillis(loop.taskId()));
                }
                loop.addSubscribersTo(signal);
            }
            retireIfIdle();
            idle = retired;
        }
        if (idle) {
            // Nothing more is scheduled here: the request is done with before anyone hears of its end.
            settle(batch);
        }
        for (TaskInfo state : changes) {
            engine.listener().watchUpdated(key.instanceId(), state);
        }
        for (WatchSubscription s : signal) {
            s.drain();
        }
        reschedule();
    }

    /**
     * Retires this poller for good because the client is closing: cancels its timer and its requests in flight and
     * forgets its loops.
     *
     * @return the subscribers that were watching, for the engine to end with a typed error once the monitor is
     *     released
     */
    List<WatchSubscription> close() {
        List<WatchSubscription> watching = new ArrayList<>();
        List<Batch> cancelled;
        synchronized (this) {
            retired = true;
            cancelTimer();
            for (TaskLoop loop : loops.values()) {
                loop.end();
                loop.batch(null);
                loop.addSubscribersTo(watching);
            }
            loops.clear();
            cancelled = new ArrayList<>(inFlight);
            inFlight.clear();
            engine.retired(key, this);
        }
        for (Batch batch : cancelled) {
            batch.request.dispose();
            settle(batch);
        }
        return watching;
    }

    private void retireIfIdle() {
        if (loops.isEmpty() && inFlight.isEmpty()) {
            retired = true;
            cancelTimer();
            engine.retired(key, this);
        }
    }

    /**
     * The tasks watched here: loops with a subscriber. A loop whose last subscriber left while its answer was in
     * flight stays until the answer comes (it shares the request with watched tasks, so the request is not
     * cancelled) but is watched by nobody, so it does not count: the count is exact once a subscriber has been told
     * its end.
     */
    synchronized int watchedTasks() {
        int watched = 0;
        for (TaskLoop loop : loops.values()) {
            if (loop.hasSubscribers()) {
                watched++;
            }
        }
        return watched;
    }

    synchronized boolean timerPending() {
        return timer != null;
    }
}
