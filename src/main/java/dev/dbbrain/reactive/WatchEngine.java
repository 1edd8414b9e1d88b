package dev.dbbrain.reactive;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

/**
 * Runs the watches of one client: an {@link InstancePoller} per (instance, scheduler), holding one {@link TaskLoop}
 * per watched task, which every subscriber of that task shares.
 *
 * <p>Three concerns, three places: <em>where</em> states come from is the engine's {@link TaskStateSource} (a batched
 * Describe, {@link DescribeSource}, or a fleet's shared states, {@link FleetSource}); <em>what</em> an answer means
 * (emit, wait, skip, end, and why) is {@link WatchPolicy}, pure functions of plain values; <em>when</em> and <em>for
 * whom</em> (scheduling, batching per instance, demand, locking, signalling) is this engine, which embeds no rule of
 * its own.
 *
 * <p>Why a custom {@code Publisher} and not {@code Flux.interval(...).concatMap(describe)}: a composed poll chain
 * runs one loop per subscriber (Azure's {@code PollerFlux} does), ignores demand (interval keeps ticking for a
 * subscriber that requested nothing) and cannot batch tasks of different subscribers into one request. Here demand
 * is the trigger: a loop polls only while a subscriber has asked for an item it cannot be given from the latest
 * state.
 */
final class WatchEngine {

    /** How long, and how many, ended tasks are remembered so that a late subscriber needs no request. */
    static final Duration ENDED_RETENTION = Duration.ofMinutes(1);
    static final int ENDED_MAX = 10_000;

    record PollerKey(String instanceId, Scheduler scheduler) {
    }

    private record EndedKey(PollerKey poller, long taskId) {
    }

    private record Ended(TaskInfo info, long at) {
    }

    private final TaskStateSource source;
    private final int maxBatch;
    private final int maxWatches;
    private final Supplier<Scheduler> defaultScheduler;
    private final DbbrainEventListener listener;
    private final ConcurrentHashMap<PollerKey, InstancePoller> pollers = new ConcurrentHashMap<>();
    /** Guarded by its own monitor. */
    private final LinkedHashMap<EndedKey, Ended> ended = new LinkedHashMap<>();
    private volatile boolean closed;
    /** Describe requests of watches started and not yet settled (answered and handled, or cancelled). Lock-free. */
    private final AtomicInteger pollsInFlight = new AtomicInteger();
    /** Watch subscribers admitted and not yet ended, at most {@link #maxWatches}. Lock-free. */
    private final AtomicInteger subscribers = new AtomicInteger();

    /** An engine whose states come from a batched Describe call ({@link DescribeSource}). */
    WatchEngine(BiFunction<String, List<Long>, Mono<List<TaskInfo>>> describe, int maxBatch, int maxWatches,
            Supplier<Scheduler> defaultScheduler, DbbrainEventListener listener) {
        this(new DescribeSource(describe), maxBatch, maxWatches, defaultScheduler, listener);
    }

    WatchEngine(TaskStateSource source, int maxBatch, int maxWatches, Supplier<Scheduler> defaultScheduler,
            DbbrainEventListener listener) {
        this.source = source;
        this.maxBatch = maxBatch;
        this.maxWatches = maxWatches;
        this.defaultScheduler = defaultScheduler;
        this.listener = listener;
    }

    DbbrainEventListener listener() {
        return listener;
    }

    int maxBatch() {
        return maxBatch;
    }

    int maxWatches() {
        return maxWatches;
    }

    TaskStateSource source() {
        return source;
    }

    /** A poller started a round of its source (a Describe request). */
    void pollStarted() {
        pollsInFlight.incrementAndGet();
    }

    /** A round was answered and handled, or cancelled; once per {@link #pollStarted()}. */
    void pollSettled() {
        pollsInFlight.decrementAndGet();
    }

    Flux<TaskInfo> watch(String instanceId, long taskId, WatchOptions options) {
        return new WatchFlux(this, instanceId, taskId, options, false);
    }

    /**
     * The watch of the task a Create is about to create ({@code killProxySessions}). A watch place is taken before
     * the Create is subscribed, so that no task is created that could not be watched (its creation cannot be undone):
     * over {@link #maxWatches} the kill fails at once, reported to the listener as a rejected watch, and the Create is
     * never sent. The place goes to the task's watch once the Create answers; it goes back when the Create fails,
     * completes empty or is cancelled, <em>before</em> the subscriber hears of it, so that the client's statistics are
     * exact when it does.
     *
     * @param create the Create, emitting the new task's ID
     */
    Flux<TaskInfo> watchCreated(Mono<Long> create, String instanceId, WatchOptions options) {
        return Flux.defer(() -> {
            if (!admit()) {
                listener.watchRejected(instanceId, OptionalLong.empty());
                return Flux.error(overCapacity("kill on " + instanceId));
            }
            ReservedPlace place = new ReservedPlace();
            return create
                    .doOnError(e -> place.giveBack())
                    .doOnSuccess(taskId -> {
                        if (taskId == null) {
                            place.giveBack();
                        }
                    })
                    .doOnCancel(place::giveBack)
                    .flatMapMany(taskId -> place.handOver()
                            ? new WatchFlux(this, instanceId, taskId, options, true)
                            : watch(instanceId, taskId, options));
        });
    }

    /** A place taken for a watch not subscribed yet: handed over to it, or given back, once. */
    private final class ReservedPlace {
        private final AtomicBoolean decided = new AtomicBoolean();

        /** Whether the watch takes the place; {@code false} if it was given back already (a cancel came first). */
        boolean handOver() {
            return decided.compareAndSet(false, true);
        }

        void giveBack() {
            if (decided.compareAndSet(false, true)) {
                subscribers.decrementAndGet();
            }
        }
    }

    /** The error of a watch refused over the cap; nothing was sent. */
    DbbrainCapacityException overCapacity(String what) {
        return new DbbrainCapacityException(null, "maxWatches", maxWatches, what + " refused: " + maxWatches
                + " watch subscribers are running, the client's maxWatches; nothing was sent");
    }

    /**
     * The cold publisher of one watch: a source, as Reactor's own are ({@code FluxInterval} is a
     * {@code SourceProducer}, package-private to Reactor, so this implements {@link Scannable} itself).
     */
    static final class WatchFlux extends Flux<TaskInfo> implements Scannable {

        private final WatchEngine engine;
        private final String instanceId;
        private final long taskId;
        private final WatchOptions options;
        /** A place taken by {@link WatchEngine#watchCreated} for the first subscriber, not yet used. */
        private final AtomicBoolean reserved;

        WatchFlux(WatchEngine engine, String instanceId, long taskId, WatchOptions options, boolean reserved) {
            this.engine = engine;
            this.instanceId = instanceId;
            this.taskId = taskId;
            this.options = options;
            this.reserved = reserved ? new AtomicBoolean(true) : null;
        }

        @Override
        public void subscribe(CoreSubscriber<? super TaskInfo> actual) {
            engine.subscribe(actual, instanceId, taskId, options, reserved != null && reserved.getAndSet(false));
        }

        @Override
        public Object scanUnsafe(Attr key) {
            if (key == Attr.RUN_ON) {
                return options.scheduler().orElseGet(engine.defaultScheduler);
            }
            if (key == Attr.RUN_STYLE) {
                return Attr.RunStyle.ASYNC;
            }
            // PARENT and ACTUAL: none, this is a source; the rest does not apply before subscription.
            return null;
        }

        @Override
        public String stepName() {
            return "source(DbbrainWatch)";
        }
    }

    /**
     * Admits a subscriber (or refuses it, over the cap or after close), gives it its subscription, and only then
     * joins it to its task's loop. Reactive Streams rule 2.13: a subscriber whose {@code onSubscribe} throws has its
     * subscription cancelled, so it leaves nothing registered (it never joined), and the error goes where Reactor's
     * own sources send an error they cannot signal: {@code Hooks.onOperatorError}, then {@code Hooks.onErrorDropped}.
     */
    private void subscribe(CoreSubscriber<? super TaskInfo> actual, String instanceId, long taskId,
            WatchOptions options, boolean admitted) {
        if (closed) {
            if (admitted) {
                subscribers.decrementAndGet();
            }
            Operators.error(actual, DbbrainClient.closedError());
            return;
        }
        if (!admitted && !admit()) {
            // No action: a watch is no single API action, and none was refused (nothing was sent); the exception
            // documents null for it, and limitName says which setting to raise.
            listener.watchRejected(instanceId, OptionalLong.of(taskId));
            Operators.error(actual, overCapacity("watch of task " + taskId + " on " + instanceId));
            return;
        }
        Scheduler scheduler = options.scheduler().orElseGet(defaultScheduler);
        listener.watchStarted(instanceId, taskId);
        WatchSubscription subscription = new WatchSubscription(this, actual, options, scheduler, instanceId, taskId);
        try {
            actual.onSubscribe(subscription);
        } catch (Throwable e) {
            subscription.cancel();
            Context context = actual.currentContext();
            Operators.onErrorDropped(Operators.onOperatorError(subscription, e, context), context);
            return;
        }
        if (subscription.isCancelled()) {
            // Cancelled from onSubscribe: released already, and never joined.
            return;
        }
        PollerKey key = new PollerKey(instanceId, scheduler);
        InstancePoller poller;
        for (;;) {
            poller = pollers.computeIfAbsent(key, k -> new InstancePoller(this, k));
            if (poller.attach(subscription)) {
                break;
            }
            pollers.remove(key, poller);
        }
        if (subscription.isCancelled()) {
            // A cancel from another thread may have run before the subscription knew its loop: leave it now. Leaving
            // twice is harmless.
            subscription.leave();
        }
        if (closed) {
            // close() ran while this subscriber was joining: it may have missed this poller, so sweep once more. The
            // subscriber gets its error in start().
            close();
        }
        subscription.start();
    }

    private boolean admit() {
        for (;;) {
            int running = subscribers.get();
            if (running >= maxWatches) {
                return false;
            }
            if (subscribers.compareAndSet(running, running + 1)) {
                return true;
            }
        }
    }

    /** A subscriber admitted by {@link #subscribe} ended: completed, failed or cancelled. Once per subscriber. */
    void released(String instanceId, long taskId) {
        subscribers.decrementAndGet();
        listener.watchEnded(instanceId, taskId);
    }

    /**
     * Ends every running watch with {@link DbbrainWatchException.Reason#CLIENT_CLOSED}: cancels their timers and
     * requests in flight, forgets the ended-task memory, and refuses watches subscribed from now on. Idempotent.
     */
    void close() {
        closed = true;
        for (InstancePoller poller : pollers.values()) {
            for (WatchSubscription subscription : poller.close()) {
                subscription.clientClosed();
            }
        }
        synchronized (ended) {
            ended.clear();
        }
    }

    boolean isClosed() {
        return closed;
    }

    void retired(PollerKey key, InstancePoller poller) {
        pollers.remove(key, poller);
    }

    void ended(PollerKey key, TaskInfo info, long now) {
        synchronized (ended) {
            EndedKey k = new EndedKey(key, info.asyncRequestId());
            ended.remove(k);
            ended.put(k, new Ended(info, now));
            evict(now);
        }
    }

    TaskInfo recentlyEnded(PollerKey key, long taskId, long now) {
        synchronized (ended) {
            evict(now);
            Ended e = ended.get(new EndedKey(key, taskId));
            return e == null ? null : e.info();
        }
    }

    private void evict(long now) {
        var it = ended.values().iterator();
        while (it.hasNext()) {
            Ended e = it.next();
            if (ended.size() > ENDED_MAX || now - e.at() >= ENDED_RETENTION.toMillis()) {
                it.remove();
            } else {
                break;
            }
        }
    }

    /**
     * What is running now, for tests, statistics and leak checks. The watched tasks and instances and the subscribers
     * are exact once a subscriber has been told its end (its place, its loop, are given back before that); a request
     * counts in flight until its answer has been handled, subscribers told included, so that zero means quiet.
     */
    WatchState state() {
        int instances = 0;
        int loops = 0;
        int inFlight = pollsInFlight.get();
        int timers = 0;
        for (InstancePoller p : pollers.values()) {
            int watched = p.watchedTasks();
            loops += watched;
            instances += watched > 0 ? 1 : 0;
            timers += p.timerPending() ? 1 : 0;
        }
        int remembered;
        synchronized (ended) {
            remembered = ended.size();
        }
        return new WatchState(instances, loops, inFlight, timers, remembered, subscribers.get());
    }

    record WatchState(int instances, int tasks, int requestsInFlight, int timers, int endedRemembered,
            int subscribers) {
    }
}
