package dev.dbbrain.reactive;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

/**
 * Runs the watches of one client: an {@link InstancePoller} per (instance, scheduler), holding one {@link TaskLoop}
 * per watched task, which every subscriber of that task shares.
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

    private final BiFunction<String, List<Long>, Mono<List<TaskInfo>>> describe;
    private final int maxBatch;
    private final Supplier<Scheduler> defaultScheduler;
    private final DbbrainEventListener listener;
    private final ConcurrentHashMap<PollerKey, InstancePoller> pollers = new ConcurrentHashMap<>();
    private final LinkedHashMap<EndedKey, Ended> ended = new LinkedHashMap<>();
    private volatile boolean closed;
    /** Describe requests of watches subscribed and not yet settled (answered and handled, or cancelled). */
    final AtomicInteger busy = new AtomicInteger();

    WatchEngine(BiFunction<String, List<Long>, Mono<List<TaskInfo>>> describe, int maxBatch,
            Supplier<Scheduler> defaultScheduler, DbbrainEventListener listener) {
        this.describe = describe;
        this.maxBatch = maxBatch;
        this.defaultScheduler = defaultScheduler;
        this.listener = listener;
    }

    DbbrainEventListener listener() {
        return listener;
    }

    int maxBatch() {
        return maxBatch;
    }

    Mono<List<TaskInfo>> describe(String instanceId, List<Long> ids) {
        return describe.apply(instanceId, ids);
    }

    Flux<TaskInfo> watch(String instanceId, long taskId, WatchOptions options) {
        return new Flux<>() {
            @Override
            public void subscribe(CoreSubscriber<? super TaskInfo> actual) {
                attach(actual, instanceId, taskId, options);
            }
        };
    }

    private void attach(CoreSubscriber<? super TaskInfo> actual, String instanceId, long taskId,
            WatchOptions options) {
        if (closed) {
            Operators.error(actual, DbbrainClient.closedError());
            return;
        }
        Scheduler scheduler = options.scheduler().orElseGet(defaultScheduler);
        WatchSubscription subscription = new WatchSubscription(actual, options, scheduler, instanceId, taskId,
                listener);
        PollerKey key = new PollerKey(instanceId, scheduler);
        for (;;) {
            InstancePoller poller = pollers.computeIfAbsent(key, k -> new InstancePoller(this, k));
            if (poller.attach(subscription)) {
                break;
            }
            pollers.remove(key, poller);
        }
        if (closed) {
            // close() ran while this subscriber was joining: it may have missed this poller, so sweep once more. The
            // subscriber gets its error in start(), after onSubscribe.
            close();
        }
        actual.onSubscribe(subscription);
        subscription.start();
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

    /** What is running now, for tests, statistics and leak checks. */
    WatchState state() {
        int loops = 0;
        int inFlight = busy.get();
        int timers = 0;
        for (InstancePoller p : pollers.values()) {
            loops += p.loopCount();
            timers += p.timerPending() ? 1 : 0;
        }
        int remembered;
        synchronized (ended) {
            remembered = ended.size();
        }
        return new WatchState(pollers.size(), loops, inFlight, timers, remembered);
    }

    record WatchState(int instances, int tasks, int requestsInFlight, int timers, int endedRemembered) {
    }
}
