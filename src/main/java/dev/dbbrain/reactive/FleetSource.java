package dev.dbbrain.reactive;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.auth.CredentialsProvider;
import dev.dbbrain.reactive.internal.SharedWatchStore;
import dev.dbbrain.reactive.internal.SharedWatchStore.Kind;
import dev.dbbrain.reactive.internal.SharedWatchStore.Slot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The fleet's source of states: answers a round from the states other replicas published, polls (through the local
 * {@link DescribeSource}, so through the client's limiter and retries) only the tasks whose slot it takes, publishes
 * what it polled, and waits within the round for the tasks another replica is polling. When the store fails or is
 * slow, the round is the local source's, as without sharing.
 *
 * <p>One round, step by step ({@link SharedRound}):
 * <ol>
 * <li><b>Claim</b>, one store call for all the round's tasks: each is {@code FRESH} (a state observed less than its
 * interval ago, or terminal), {@code MINE} (its slot was free and is now this round's, for the store's lease) or
 * {@code HELD} (another replica polls it now).
 * <li><b>Check</b> every fresh state as a service answer ({@link SharedStateCodec}) and against the latest state the
 * engine has ({@link WatchPolicy#regresses}): one that fails is counted, never answered, and its slot is claimed
 * whatever its freshness.
 * <li><b>Join</b>: if the round polls, the tasks it answered from fresh states take their slots too (one more store
 * call, only in a round whose tasks are out of step) and go out in the same Describe, so that the instance's tasks
 * stay in step across the fleet ({@link SharedRound#claimJoiners}).
 * <li><b>Poll</b> the tasks whose slots are this round's in one Describe, renewing their lease every third of it while
 * the request waits for a permit or an answer; then <b>publish</b> the states (which also gives the slots back).
 * <li>Meanwhile <b>wait</b> for the held tasks, as long as their holders' leases run: at each notification that the
 * instance's states were published (and every interval, for a notification lost), and when the wait ends, read them
 * again; a state published since the claim is answered, the others are {@code SKIPPED} (polled again after their
 * interval; if nobody holds the slot by then, the next replica due takes it over).
 * </ol>
 * Every store call is bounded by the store's timeout on the round's scheduler; a failed or late claim makes the whole
 * round the local source's, a failed publication or wait loses only the sharing of that round.
 *
 * <p>Why the age of an answered state matters: a replica that took another's state comes back when that state is
 * older than its interval ({@link TaskStateSource.Answer#ageMillis}), which is when the fleet polls it next; it then
 * finds the slot held and waits for the publication, so every replica gets each state as it is published instead of
 * up to an interval later.
 */
final class FleetSource implements TaskStateSource {

    /** Outcomes of this replica's rounds, for {@link ClientStats} and the listener. */
    static final class Counters {
        final LongAdder pollsSent = new LongAdder();
        final LongAdder statesReceived = new LongAdder();
        final LongAdder pollsTakenOver = new LongAdder();
        final LongAdder statesRejected = new LongAdder();
        final LongAdder fallbackPolls = new LongAdder();
    }

    /** How many awaited tasks are remembered to count take-overs; past it, the memory starts again. */
    private static final int MAX_AWAITED = 10_000;

    private final WatchSharing sharing;
    private final SharedWatchStore store;
    private final TaskStateSource local;
    private final CredentialsProvider credentials;
    private final Function<Credentials, String> accountIds;
    private final DbbrainEventListener listener;
    private final SharedStateCodec codec = new SharedStateCodec();
    private final Counters counters = new Counters();
    /** This source's part of every slot token: 64 random bits. */
    private final String replica = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    private final AtomicLong rounds = new AtomicLong();
    /** The subscription to each account's notifications, while it lasts. */
    private final ConcurrentHashMap<String, Disposable> hints = new ConcurrentHashMap<>();
    /** The rounds of each (account, instance) that may wait for a publication. */
    private final ConcurrentHashMap<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    /**
     * Tasks a round of this replica waited for in vain (held by another, nothing published): if the next round takes
     * the slot with still nothing published, the holder let its lease run out, and the poll is taken over.
     */
    private final Set<String> awaited = ConcurrentHashMap.newKeySet();
    /** The account of the credentials last seen, derived once per credentials object. */
    private volatile AccountOf account;
    private volatile boolean closed;

    /**
     * @param accountIds the part of the keys for credentials: a hash of the SecretId, never the SecretId
     */
    FleetSource(WatchSharing sharing, TaskStateSource local, CredentialsProvider credentials,
            Function<Credentials, String> accountIds, DbbrainEventListener listener) {
        this.sharing = sharing;
        this.store = sharing.store();
        this.local = local;
        this.credentials = credentials;
        this.accountIds = accountIds;
        this.listener = listener;
    }

    Counters counters() {
        return counters;
    }

    @Override
    public Mono<Answer> poll(Round round) {
        return Mono.defer(() -> {
            if (closed || !sharing.health().shouldAsk(nanos(round))) {
                return fallback(round);
            }
            return credentials.resolveCredentials()
                    .map(this::account)
                    .flatMap(a -> new SharedRound(a, round).run()
                            .switchIfEmpty(Mono.defer(() -> fallback(round))))
                    // No credentials: the local poll fails the same way, with the transport's typed error. (A shared
                    // round itself signals no error: the store's are handled inside, the Describe's are outcomes.)
                    .switchIfEmpty(Mono.defer(() -> local.poll(round)))
                    .onErrorResume(e -> local.poll(round));
        });
    }

    /** The round polled here alone, as without sharing: the store is down or slow. */
    private Mono<Answer> fallback(Round round) {
        counters.fallbackPolls.increment();
        listener.sharedPollFallback(round.instanceId(), round.taskIds().size());
        return local.poll(round);
    }

    private record AccountOf(Credentials credentials, SharedStateCodec.Account account) {
    }

    private SharedStateCodec.Account account(Credentials c) {
        AccountOf known = account;
        if (known != null && known.credentials() == c) {
            return known.account();
        }
        SharedStateCodec.Account a = SharedStateCodec.account(c, accountIds.apply(c));
        account = new AccountOf(c, a);
        return a;
    }

    /** Stops listening for notifications; rounds still running end as their cancellation says. */
    void close() {
        closed = true;
        hints.values().forEach(Disposable::dispose);
        hints.clear();
    }

    private static long nanos(Round round) {
        return round.scheduler().now(TimeUnit.NANOSECONDS);
    }

    private <T> Mono<T> bounded(Mono<T> call, Scheduler scheduler) {
        return call.timeout(store.timeout(), scheduler);
    }

    // ---- Notifications ----

    /** Listens to the account's notifications, if it does not already. */
    private void listen(String accountId) {
        if (hints.containsKey(accountId)) {
            return;
        }
        Disposable.Swap subscription = Disposables.swap();
        if (hints.putIfAbsent(accountId, subscription) != null) {
            return;
        }
        // A notification only hints: when the subscription ends (the store's connection went), rounds still read the
        // keys when their wait ends, and the next round subscribes again.
        subscription.update(store.published(accountId).subscribe(instance -> hint(accountId, instance),
                e -> hints.remove(accountId, subscription), () -> hints.remove(accountId, subscription)));
        if (closed) {
            subscription.dispose();
        }
    }

    private void hint(String accountId, String instanceId) {
        Set<Waiter> set = waiters.get(accountId + " " + instanceId);
        if (set != null) {
            set.forEach(Waiter::hint);
        }
    }

    /** A round's ear for notifications of its instance, from before its claim on, so none in between is lost. */
    private static final class Waiter {
        /** The latest notification is kept for a wait that subscribes after it came. */
        private final Sinks.Many<Boolean> triggers = Sinks.many().replay().latest();

        void hint() {
            // Fails only when another notification is being signalled at this instant: that one wakes the wait.
            triggers.tryEmitNext(Boolean.FALSE);
        }

        Flux<Boolean> triggers() {
            return triggers.asFlux();
        }
    }

    private Waiter register(String key) {
        Waiter waiter = new Waiter();
        waiters.compute(key, (k, set) -> {
            Set<Waiter> s = set != null ? set : ConcurrentHashMap.newKeySet();
            s.add(waiter);
            return s;
        });
        return waiter;
    }

    private void unregister(String key, Waiter waiter) {
        waiters.computeIfPresent(key, (k, set) -> {
            set.remove(waiter);
            return set.isEmpty() ? null : set;
        });
    }

    private void awaitedInVain(String key) {
        if (awaited.size() >= MAX_AWAITED) {
            awaited.clear();
        }
        awaited.add(key);
    }

    // ---- One round ----

    /** One shared round: its claim, its own poll, its wait, and the answer they make together. */
    private final class SharedRound {
        private final SharedStateCodec.Account account;
        private final Round round;
        private final Scheduler scheduler;
        private final String instanceId;
        private final String key;
        private final String token;
        /** Outcomes and ages settled so far. Touched by one step at a time: the claims, then the wait's peeks. */
        private final Map<Long, WatchPolicy.Outcome> outcomes = new ConcurrentHashMap<>();
        private final Map<Long, Long> ages = new ConcurrentHashMap<>();
        /** The tasks whose slots this round took, with each fence; -1 for a task polled without its slot. */
        private final Map<Long, Long> mine = new HashMap<>();
        /** The tasks another replica polls, with the holder's remaining lease. */
        private final Map<Long, Long> held = new HashMap<>();
        /** The values this round refused: counted once. */
        private final Set<String> refusedValues = ConcurrentHashMap.newKeySet();
        /** Set when the wait for held tasks is over: the next read is the last. */
        private final AtomicBoolean waitOver = new AtomicBoolean();
        /** The local time (microseconds) the round sent its claim at. */
        private long startedAt;
        /** The local time (microseconds) the slots were taken at, from which observations are dated. */
        private long claimedAt;

        SharedRound(SharedStateCodec.Account account, Round round) {
            this.account = account;
            this.round = round;
            this.scheduler = round.scheduler();
            this.instanceId = round.instanceId();
            this.key = account.id() + " " + instanceId;
            this.token = replica + ":" + rounds.incrementAndGet();
        }

        /** The round's answer; empty when the claim failed, for the caller to poll alone. */
        Mono<Answer> run() {
            listen(account.id());
            Waiter waiter = register(key);
            startedAt = scheduler.now(TimeUnit.MICROSECONDS);
            List<Long> ids = round.taskIds();
            return claim(ids, maxAges(ids, false))
                    .flatMap(slots -> {
                        List<Long> refused = taken(ids, slots);
                        return claimRefused(refused)
                                .then(Mono.defer(this::claimJoiners))
                                .then(Mono.defer(() -> Mono.zip(pollMine(), waitHeld(waiter))))
                                .then(Mono.fromSupplier(this::answer));
                    })
                    .doFinally(signal -> unregister(key, waiter));
        }

        /**
         * Claims the slots of the tasks whose fresh state was refused, whatever their freshness; if the store fails
         * now, those tasks are polled here without slots.
         */
        private Mono<Void> claimRefused(List<Long> refused) {
            if (refused.isEmpty()) {
                return Mono.empty();
            }
            return claim(refused, maxAges(refused, true))
                    .doOnNext(slots -> taken(refused, slots))
                    .switchIfEmpty(Mono.fromRunnable(() -> refused.forEach(id -> mine.put(id, -1L))))
                    .then();
        }

        /**
         * Brings the instance's tasks back in step: when this round polls anyway, the tasks it was answered from the
         * fleet's fresh states join its Describe if their slots are free (terminal states aside), as the local poller
         * fills its last request with tasks not due yet. It costs no request, and a store call only in a round out of
         * step. Without it, tasks whose first polls went out apart (watches subscribed while a round was in flight, on
         * a busy machine) would be polled in two Describes an interval for as long as they run: a task joining only
         * when its state is some part of an interval old leaves a band of offsets, as wide as a poll takes, where
         * neither group is ever old enough to join the other. A joiner whose slot another replica holds, or the store
         * failing now, keeps the state it was answered.
         */
        private Mono<Void> claimJoiners() {
            if (mine.isEmpty()) {
                return Mono.empty();
            }
            List<Long> joiners = new ArrayList<>();
            for (Map.Entry<Long, WatchPolicy.Outcome> e : outcomes.entrySet()) {
                if (!(e.getValue() instanceof WatchPolicy.Reported r && r.state().isTerminal())) {
                    joiners.add(e.getKey());
                }
            }
            if (joiners.isEmpty()) {
                return Mono.empty();
            }
            long[] anyAge = new long[joiners.size()];
            Arrays.fill(anyAge, -1);
            return claim(joiners, anyAge)
                    .doOnNext(slots -> {
                        for (int i = 0; i < joiners.size(); i++) {
                            long id = joiners.get(i);
                            Slot slot = slots.get(i);
                            if (slot.kind() == Kind.MINE) {
                                mine.put(id, slot.fenceMicros());
                                // Polled now: the answer's age is the poll's, not the state's it replaces.
                                ages.remove(id);
                            }
                        }
                    })
                    .then();
        }

        /** One claim, bounded; empty (the outage noted) when the store fails or is late. */
        private Mono<List<Slot>> claim(List<Long> ids, long[] maxAges) {
            return bounded(store.claim(account.id(), instanceId, ids, maxAges, token), scheduler)
                    // Cancelled with the slots perhaps taken: give back what this token holds.
                    .doOnCancel(() -> release(ids))
                    .doOnNext(slots -> {
                        if (slots.size() != ids.size()) {
                            throw new IllegalStateException("the store answered " + slots.size() + " slots for "
                                    + ids.size() + " tasks");
                        }
                        claimedAt = scheduler.now(TimeUnit.MICROSECONDS);
                        sharing.health().answered(nanos(round));
                    })
                    .onErrorResume(e -> {
                        sharing.health().failed(e, nanos(round));
                        return Mono.empty();
                    });
        }

        private long[] maxAges(List<Long> ids, boolean refused) {
            long[] ages = new long[ids.size()];
            for (int i = 0; i < ages.length; i++) {
                ages[i] = refused ? -1 : TimeUnit.MILLISECONDS.toMicros(round.known(ids.get(i)).intervalMillis());
            }
            return ages;
        }

        /**
         * Sorts the claimed tasks: fresh states checked and answered, slots taken, slots held. Returns the tasks
         * whose fresh state was refused, to claim again whatever their freshness.
         */
        private List<Long> taken(List<Long> ids, List<Slot> slots) {
            List<Long> refused = new ArrayList<>();
            int received = 0;
            for (int i = 0; i < ids.size(); i++) {
                long id = ids.get(i);
                Slot slot = slots.get(i);
                if (slot.foreign()) {
                    rejected(id, SharedStateCodec.CORRUPT);
                }
                switch (slot.kind()) {
                    case FRESH -> {
                        if (accept(id, slot)) {
                            received++;
                        } else {
                            refused.add(id);
                        }
                    }
                    case MINE -> {
                        mine.put(id, slot.fenceMicros());
                        if (awaited.remove(key + " " + id) || slot.brokenLock()) {
                            counters.pollsTakenOver.increment();
                            listener.sharedPollTakenOver(instanceId, id);
                        }
                    }
                    case HELD, STALE -> held.put(id, slot.leaseMillis());
                }
            }
            received(received);
            return refused;
        }

        /**
         * Checks a fresh state and, if it passes, answers it; otherwise counts it (once per round: a wait may read it
         * again) and returns false.
         */
        private boolean accept(long id, Slot slot) {
            if (refusedValues.contains(slot.value())) {
                return false;
            }
            SharedStateCodec.Read read = codec.decode(account, instanceId, id, slot.value());
            if (read instanceof SharedStateCodec.Rejected r) {
                refusedValues.add(slot.value());
                rejected(id, r.reason());
                return false;
            }
            WatchPolicy.Outcome outcome = ((SharedStateCodec.Accepted) read).outcome();
            TaskInfo latest = round.known(id).latest();
            if (outcome instanceof WatchPolicy.Reported reported && latest != null
                    && WatchPolicy.regresses(latest, reported.state())) {
                refusedValues.add(slot.value());
                rejected(id, SharedStateCodec.REGRESSED);
                return false;
            }
            outcomes.put(id, outcome);
            ages.put(id, Math.max(0, TimeUnit.MICROSECONDS.toMillis(slot.ageMicros())));
            awaited.remove(key + " " + id);
            return true;
        }

        private void rejected(long id, String reason) {
            counters.statesRejected.increment();
            listener.sharedStateRejected(instanceId, id, reason);
        }

        private void received(int states) {
            if (states > 0) {
                counters.statesReceived.add(states);
                listener.sharedStatesReceived(instanceId, states);
            }
        }

        // ---- This round's own poll ----

        /** Polls the tasks whose slots are this round's, in one Describe, and publishes what it learnt. */
        private Mono<Boolean> pollMine() {
            if (mine.isEmpty()) {
                return Mono.just(Boolean.TRUE);
            }
            List<Long> ids = new ArrayList<>(mine.keySet());
            Map<Long, Known> known = new HashMap<>();
            for (long id : ids) {
                known.put(id, round.known(id));
            }
            counters.pollsSent.increment();
            listener.sharedPollSent(instanceId, ids.size());
            Disposable.Swap watchdog = Disposables.swap();
            return local.poll(new Round(instanceId, ids, scheduler, known))
                    .onErrorResume(e -> Mono.just(Answer.failed(e)))
                    .doOnSubscribe(s -> watchdog.update(renewals(ids)))
                    .doFinally(signal -> watchdog.dispose())
                    .flatMap(answer -> {
                        for (long id : ids) {
                            outcomes.put(id, answer.outcome(id));
                        }
                        return publish(ids, answer);
                    })
                    .doOnCancel(() -> release(ids))
                    .thenReturn(Boolean.TRUE);
        }

        /** Renews the slots every third of the lease while the poll runs; stops when none is held any more. */
        private Disposable renewals(List<Long> ids) {
            Duration period = store.lease().dividedBy(3);
            return Flux.interval(period, period, scheduler)
                    .concatMap(tick -> bounded(store.renew(account.id(), instanceId, token, ids), scheduler)
                            .onErrorResume(e -> Mono.just(-1)))
                    .takeWhile(stillHeld -> stillHeld != 0)
                    .subscribe();
        }

        /** Publishes the round's polled states and gives its slots back; a failure loses only this round's sharing. */
        private Mono<Void> publish(List<Long> ids, Answer answer) {
            long observedAt = scheduler.now(TimeUnit.MICROSECONDS);
            List<SharedWatchStore.Publication> states = new ArrayList<>();
            for (long id : ids) {
                long fence = mine.get(id);
                if (fence < 0) {
                    continue;
                }
                WatchPolicy.Outcome outcome = answer.outcome(id);
                TaskInfo state;
                if (outcome instanceof WatchPolicy.Reported r) {
                    state = r.state();
                } else if (outcome == WatchPolicy.Outcome.NOT_REPORTED) {
                    state = null;
                } else {
                    continue;
                }
                // The store's clock when the answer came, estimated from its clock when the slots were taken: never
                // later than the truth, so a state never looks newer than it is.
                long observed = fence + Math.max(0, observedAt - claimedAt);
                String value = codec.encode(account, instanceId, id, fence, observed, state);
                if (value != null) {
                    states.add(new SharedWatchStore.Publication(id, value, state == null));
                }
            }
            return bounded(store.publish(account.id(), instanceId, token, ids, states), scheduler)
                    .then()
                    .onErrorResume(e -> {
                        sharing.health().failed(e, nanos(round));
                        return Mono.empty();
                    });
        }

        private void release(List<Long> ids) {
            bounded(store.release(account.id(), instanceId, token, ids), scheduler)
                    .onErrorResume(e -> Mono.empty())
                    .subscribe();
        }

        // ---- Waiting for the tasks others poll ----

        /**
         * Waits for the states of the held tasks, for as long as their holders' leases run (a holder renews its lease
         * while its request waits, so the wait follows its poll to the publication): reads them at each notification,
         * every interval in case a notification was lost, and once more when the wait ends.
         */
        private Mono<Boolean> waitHeld(Waiter waiter) {
            if (held.isEmpty()) {
                return Mono.just(Boolean.TRUE);
            }
            long lease = 1;
            long interval = Long.MAX_VALUE;
            for (Map.Entry<Long, Long> e : held.entrySet()) {
                lease = Math.max(lease, e.getValue());
                long i = round.known(e.getKey()).intervalMillis();
                if (i > 0) {
                    interval = Math.min(interval, i);
                }
            }
            Flux<Boolean> ticks = interval < lease
                    ? Flux.interval(Duration.ofMillis(interval), scheduler).map(tick -> Boolean.FALSE)
                    : Flux.empty();
            // The end is a flag the next read sees, not a value in the stream: a notification coalesced with it
            // must not hide it.
            Mono<Boolean> end = Mono.delay(Duration.ofMillis(lease), scheduler)
                    .doOnNext(tick -> waitOver.set(true))
                    .thenReturn(Boolean.TRUE);
            return Flux.merge(waiter.triggers(), ticks, end)
                    .onBackpressureLatest()
                    .concatMap(wake -> peek(waitOver.get()), 1)
                    .takeUntil(done -> done)
                    .then(Mono.just(Boolean.TRUE));
        }

        /** Reads the held tasks not answered yet; {@code true} when the wait is over. */
        private Mono<Boolean> peek(boolean last) {
            List<Long> pending = new ArrayList<>();
            for (long id : held.keySet()) {
                if (!outcomes.containsKey(id)) {
                    pending.add(id);
                }
            }
            if (pending.isEmpty()) {
                return Mono.just(Boolean.TRUE);
            }
            // Any state published since this round's claim is news here, however long the wait: so it is fresh for
            // this read (a state older than the claim is not, as it was already stale then), and a last read that
            // finds none, and nobody holding the slot, means its holder gave up.
            long sinceClaim = scheduler.now(TimeUnit.MICROSECONDS) - startedAt;
            long[] maxAges = maxAges(pending, false);
            for (int i = 0; i < maxAges.length; i++) {
                maxAges[i] = Math.max(maxAges[i], sinceClaim);
            }
            return bounded(store.peek(account.id(), instanceId, pending, maxAges), scheduler)
                    .map(slots -> {
                        int received = 0;
                        boolean all = true;
                        for (int i = 0; i < pending.size() && i < slots.size(); i++) {
                            long id = pending.get(i);
                            Slot slot = slots.get(i);
                            if (slot.kind() == Kind.FRESH && accept(id, slot)) {
                                received++;
                            } else {
                                all = false;
                                if (last) {
                                    awaitedInVain(key + " " + id);
                                }
                            }
                        }
                        received(received);
                        return last || all;
                    })
                    .onErrorResume(e -> {
                        sharing.health().failed(e, nanos(round));
                        return Mono.just(Boolean.TRUE);
                    });
        }

        /** What the round learnt: each task's settled outcome, {@code SKIPPED} for a held task nothing came for. */
        private Answer answer() {
            Map<Long, WatchPolicy.Outcome> settled = Map.copyOf(outcomes);
            Map<Long, Long> aged = Map.copyOf(ages);
            return new Answer() {
                @Override
                public WatchPolicy.Outcome outcome(long taskId) {
                    return settled.getOrDefault(taskId, WatchPolicy.Outcome.SKIPPED);
                }

                @Override
                public long ageMillis(long taskId) {
                    return aged.getOrDefault(taskId, 0L);
                }
            };
        }
    }
}
