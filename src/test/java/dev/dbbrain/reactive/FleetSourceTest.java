package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.auth.CredentialsProvider;
import dev.dbbrain.reactive.internal.SharedWatches;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.subscriber.TestSubscriber;

/**
 * The fleet source's decisions, on one virtual clock: replicas (each a watch engine with a {@link FleetSource}) share
 * a {@link VirtualSharedStore} that keeps the Redis scripts' rules on the test's scheduler, and poll a scripted
 * service whose task advances with that clock: created from 0 s, running 0 from 2 s, running 50 from 4 s, finished
 * from 6 s. Polls every second, no jitter, a 3 s lease. What the real scripts do on a real redis-server is
 * {@code RedisWatchStoreIT}; the whole fleet against the emulator is {@code FleetWatchIT}.
 */
class FleetSourceTest {

    private static final String A = "crs-fleet001";
    private static final long TASK = 7;
    private static final Credentials CREDENTIALS = Credentials.of("AKIDfleetsource", "fleet-source-key");

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final VirtualSharedStore store = new VirtualSharedStore(time, Duration.ofSeconds(3));
    private final List<Replica> replicas = new ArrayList<>();
    /** When the service's task finishes, in ms of virtual time; the states before it are spaced evenly. */
    private long finishesAt = 6000;

    /** Held, so that the logger the handler is added to is the one the source logs to (LogManager keeps it weakly). */
    private static final Logger LOG = Logger.getLogger(WatchSharing.class.getName());
    private Handler logs;

    @AfterEach
    void tearDown() {
        replicas.forEach(Replica::close);
        time.dispose();
        if (logs != null) {
            LOG.removeHandler(logs);
            LOG.setLevel(null);
        }
    }

    /** The state the service reports for a task at a virtual instant. */
    private TaskInfo serviceState(String instanceId, long taskId, long nowMillis) {
        long step = finishesAt / 3;
        if (nowMillis >= finishesAt) {
            return VirtualEngine.task(instanceId, taskId, TaskStatus.FINISHED, 100);
        }
        if (nowMillis >= 2 * step) {
            return VirtualEngine.task(instanceId, taskId, TaskStatus.RUNNING, 50);
        }
        if (nowMillis >= step) {
            return VirtualEngine.task(instanceId, taskId, TaskStatus.RUNNING, 0);
        }
        return VirtualEngine.task(instanceId, taskId, TaskStatus.CREATED, 0);
    }

    /** One Describe a replica sent. */
    record Describe(String replica, String instanceId, List<Long> taskIds, long at) {
    }

    private final List<Describe> describes = new CopyOnWriteArrayList<>();

    /** One replica: a watch engine whose source is the fleet's, over its own view of the store. */
    final class Replica {
        final String name;
        final VirtualSharedStore.View view = store.view();
        final WatchSharing sharing = SharedWatches.sharing(view);
        final CountingListener listener = new CountingListener();
        final FleetSource source;
        final WatchEngine engine;
        /** How long this replica's Describe takes; {@code null}: it never answers. */
        volatile Duration latency = Duration.ZERO;
        /** Answers this replica's Describes instead of the service, when set. */
        volatile Function<List<Long>, Mono<List<TaskInfo>>> describe;

        Replica(String name, Credentials credentials) {
            this.name = name;
            DescribeSource local = new DescribeSource((instanceId, ids) -> Mono.defer(() -> {
                describes.add(new Describe(name, instanceId, ids, now()));
                if (describe != null) {
                    return describe.apply(ids);
                }
                Duration l = latency;
                Mono<Long> wait = l == null ? Mono.never() : l.isZero() ? Mono.just(0L) : Mono.delay(l, time);
                return wait.map(x -> ids.stream().map(id -> serviceState(instanceId, id, now())).toList());
            }));
            source = new FleetSource(sharing, local, CredentialsProvider.of(credentials),
                    SharedStateCodec::accountId, listener);
            engine = new WatchEngine(source, 100, 1000, () -> time, listener);
        }

        TestSubscriber<TaskInfo> watch(long taskId) {
            return watch(A, taskId);
        }

        TestSubscriber<TaskInfo> watch(String instanceId, long taskId) {
            TestSubscriber<TaskInfo> s = TestSubscriber.create();
            time.schedule(() -> engine.watch(instanceId, taskId, options()).subscribe(s));
            return s;
        }

        FleetSource.Counters counters() {
            return source.counters();
        }

        long describes() {
            return FleetSourceTest.this.describes.stream().filter(d -> d.replica().equals(name)).count();
        }

        void close() {
            engine.close();
            source.close();
        }
    }

    private Replica replica(String name) {
        return replica(name, CREDENTIALS);
    }

    private Replica replica(String name, Credentials credentials) {
        Replica r = new Replica(name, credentials);
        replicas.add(r);
        return r;
    }

    private WatchOptions options() {
        return WatchOptions.defaults().scheduler(time).jitter(0);
    }

    private long now() {
        return time.now(TimeUnit.MILLISECONDS);
    }

    private void advance(Duration d) {
        time.advanceTimeBy(d);
    }

    private static List<String> states(TestSubscriber<TaskInfo> s) {
        return s.getReceivedOnNext().stream().map(t -> t.status() + ":" + t.progress()).toList();
    }

    private static final List<String> ALL = List.of("created:0", "running:0", "running:50", "finished:100");

    private String stateKey(long taskId) {
        return VirtualSharedStore.stateKey(SharedStateCodec.accountId(CREDENTIALS), A, taskId);
    }

    // ---- Shared polls ----

    @Test
    void oneTaskWatchedOnThreeReplicasCostsOneDescribePerInterval() {
        Replica one = replica("one");
        Replica two = replica("two");
        Replica three = replica("three");
        List<TestSubscriber<TaskInfo>> watchers = List.of(one.watch(TASK), two.watch(TASK), three.watch(TASK));
        advance(Duration.ofSeconds(10));

        assertThat(watchers).allSatisfy(w -> {
            assertThat(w.isTerminatedComplete()).isTrue();
            assertThat(states(w)).isEqualTo(ALL);
        });
        // One poll a second from 0 s to 6 s, when the task finished: what one replica alone costs.
        assertThat(describes).hasSize(7);
        assertThat(describes).extracting(Describe::at).containsExactly(0L, 1000L, 2000L, 3000L, 4000L, 5000L, 6000L);
        long received = replicas.stream().mapToLong(r -> r.counters().statesReceived.sum()).sum();
        long sent = replicas.stream().mapToLong(r -> r.counters().pollsSent.sum()).sum();
        assertThat(sent).isEqualTo(7);
        assertThat(received).isEqualTo(14);
        assertThat(replicas).allSatisfy(r -> assertThat(r.counters().fallbackPolls.sum()).isZero());
    }

    @Test
    void everyReplicaGetsEachStateWhenItIsPublishedNotAnIntervalLater() {
        Replica one = replica("one");
        Replica two = replica("two");
        one.latency = Duration.ofMillis(300);
        two.latency = Duration.ofMillis(300);
        Map<String, List<Long>> seenAt = new ConcurrentHashMap<>();
        for (Replica r : List.of(one, two)) {
            time.schedule(() -> r.engine.watch(A, TASK, options()).subscribe(t -> seenAt
                    .computeIfAbsent(r.name, k -> new CopyOnWriteArrayList<>()).add(now())));
        }
        // The second replica subscribes half an interval later: out of step with the first.
        advance(Duration.ofSeconds(10));

        assertThat(seenAt.get("one")).hasSize(4);
        // Whoever polled, the other replica took the state when it was published: at the same virtual instant.
        assertThat(seenAt.get("two")).isEqualTo(seenAt.get("one"));
        assertThat(describes.size()).isLessThanOrEqualTo(8);
    }

    @Test
    void repliasOutOfStepComeBackWhenTheFleetPollsNext() {
        Replica one = replica("one");
        Replica two = replica("two");
        Map<String, List<Long>> seenAt = new ConcurrentHashMap<>();
        time.schedule(() -> one.engine.watch(A, TASK, options()).subscribe(t -> seenAt
                .computeIfAbsent("one", k -> new CopyOnWriteArrayList<>()).add(now())));
        time.schedule(() -> two.engine.watch(A, TASK, options()).subscribe(t -> seenAt
                .computeIfAbsent("two", k -> new CopyOnWriteArrayList<>()).add(now())), 500, TimeUnit.MILLISECONDS);
        advance(Duration.ofSeconds(10));

        // The late replica's first state is the fleet's, at once; from then on it shares the fleet's pace.
        assertThat(seenAt.get("two").get(0)).isEqualTo(500);
        assertThat(seenAt.get("two").subList(1, 4)).isEqualTo(seenAt.get("one").subList(1, 4));
        assertThat(two.describes()).isZero();
        assertThat(describes).hasSize(7);
    }

    @Test
    void tasksOfOneInstanceDueOnSeveralReplicasStayBatchedInOneDescribe() {
        List<Replica> fleet = List.of(replica("one"), replica("two"), replica("three"));
        List<TestSubscriber<TaskInfo>> watchers = new ArrayList<>();
        // Each replica's watches subscribe together, as a page opening five streams would.
        for (Replica r : fleet) {
            List<TestSubscriber<TaskInfo>> mine = new ArrayList<>();
            for (long id = 1; id <= 5; id++) {
                mine.add(TestSubscriber.create());
            }
            watchers.addAll(mine);
            time.schedule(() -> {
                for (int i = 0; i < 5; i++) {
                    r.engine.watch(A, i + 1, options()).subscribe(mine.get(i));
                }
            });
        }
        advance(Duration.ofSeconds(10));

        assertThat(watchers).allSatisfy(w -> assertThat(states(w)).isEqualTo(ALL));
        assertThat(describes).hasSize(7);
        assertThat(describes).allSatisfy(d -> assertThat(d.taskIds()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L));
    }

    @Test
    void tasksWhoseFirstPollsWentOutApartAreBatchedAgainAtTheNextPoll() {
        Replica one = replica("one");
        Replica two = replica("two");
        List<TestSubscriber<TaskInfo>> watchers = new CopyOnWriteArrayList<>();
        // Tasks 1 and 2 are first polled at 0 ms, tasks 3 and 4 at 300 ms (watches subscribed while a round was in
        // flight, on a busy machine).
        for (long[] wave : new long[][] {{0, 1, 2}, {300, 3, 4}}) {
            time.schedule(() -> {
                for (Replica r : List.of(one, two)) {
                    for (int i = 1; i < wave.length; i++) {
                        TestSubscriber<TaskInfo> s = TestSubscriber.create();
                        watchers.add(s);
                        r.engine.watch(A, wave[i], options()).subscribe(s);
                    }
                }
            }, wave[0], TimeUnit.MILLISECONDS);
        }
        advance(Duration.ofSeconds(10));

        assertThat(watchers).hasSize(8).allSatisfy(w -> assertThat(states(w)).isEqualTo(ALL));
        // At 300 ms the Describe of 3 and 4 goes out anyway: 1 and 2, answered from the fleet's state of 0 ms, join
        // it. From then on one Describe a second carries all four, not two (1 and 2 on the second, 3 and 4 300 ms
        // later) for as long as they run.
        assertThat(describes).extracting(Describe::at).containsExactly(0L, 300L, 1300L, 2300L, 3300L, 4300L, 5300L,
                6300L);
        assertThat(describes.get(0).taskIds()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(describes.subList(1, describes.size())).allSatisfy(d -> assertThat(d.taskIds())
                .containsExactlyInAnyOrder(1L, 2L, 3L, 4L));
    }

    // ---- Latest state for everyone ----

    @Test
    void aLateSubscriberOnAnotherReplicaGetsTheLatestStateWithoutARequest() {
        Replica one = replica("one");
        Replica two = replica("two");
        one.watch(TASK);
        advance(Duration.ofMillis(2500));
        TestSubscriber<TaskInfo> late = two.watch(TASK);
        advance(Duration.ZERO);

        assertThat(states(late)).containsExactly("running:0");
        assertThat(two.describes()).isZero();
        assertThat(two.counters().statesReceived.sum()).isEqualTo(1);
    }

    @Test
    void aTerminalStateIsServedToASubscriberArrivingLongAfterTheEndWithoutARequest() {
        Replica one = replica("one");
        TestSubscriber<TaskInfo> first = one.watch(TASK);
        advance(Duration.ofSeconds(8));
        assertThat(first.isTerminatedComplete()).isTrue();
        int before = describes.size();

        Replica two = replica("two");
        advance(Duration.ofMinutes(5));
        TestSubscriber<TaskInfo> late = two.watch(TASK);
        advance(Duration.ZERO);

        assertThat(states(late)).containsExactly("finished:100");
        assertThat(late.isTerminatedComplete()).isTrue();
        assertThat(describes).hasSize(before);
    }

    @Test
    void aSubscriberThatRequestsNothingCausesNoPollAndASlowOneGetsTheLatest() {
        Replica one = replica("one");
        Replica two = replica("two");
        one.watch(TASK);
        TestSubscriber<TaskInfo> slow = TestSubscriber.builder().initialRequest(0).build();
        time.schedule(() -> two.engine.watch(A, TASK, options()).subscribe(slow));
        advance(Duration.ofMillis(4500));
        assertThat(two.describes()).isZero();
        assertThat(two.view).isNotNull();
        assertThat(two.counters().statesReceived.sum()).isZero();

        slow.request(1);
        advance(Duration.ZERO);
        assertThat(states(slow)).containsExactly("running:50");
        slow.request(10);
        advance(Duration.ofSeconds(5));
        assertThat(states(slow)).containsExactly("running:50", "finished:100");
        assertThat(two.describes()).isZero();
    }

    // ---- A holder that dies, a lease lost ----

    @Test
    void aHolderThatDiesMidPollIsTakenOverWithinTheLeasePlusOneInterval() {
        Replica holder = replica("holder");
        Replica other = replica("other");
        holder.latency = null;
        holder.watch(TASK);
        advance(Duration.ZERO);
        // Dies with the slot: its Describe never answers, and it renews, publishes and gives back nothing.
        holder.view.diedAfterClaim = true;
        TestSubscriber<TaskInfo> watcher = other.watch(TASK);
        advance(Duration.ofSeconds(10));

        Describe takeover = describes.stream().filter(d -> d.replica().equals("other")).findFirst().orElseThrow();
        assertThat(takeover.at()).isLessThanOrEqualTo(3000 + 1000);
        assertThat(other.counters().pollsTakenOver.sum()).isEqualTo(1);
        assertThat(watcher.isTerminatedComplete()).isTrue();
        assertThat(states(watcher)).endsWith("finished:100");
    }

    @Test
    void aLeaseLostInAPauseCostsAtMostOneExtraDescribeAndNeverReplacesANewerState() {
        Replica paused = replica("paused");
        Replica other = replica("other");
        // Its Describe takes 5 s and its renewals never reach the store: its 3 s lease runs out mid-poll.
        paused.latency = Duration.ofSeconds(5);
        paused.watch(TASK);
        advance(Duration.ZERO);
        paused.view.mode = VirtualSharedStore.Mode.STUCK;
        TestSubscriber<TaskInfo> watcher = other.watch(TASK);
        advance(Duration.ofMillis(4500));
        paused.view.mode = VirtualSharedStore.Mode.UP;
        advance(Duration.ofSeconds(10));

        // The other replica waited for the paused one's publication, then took the slot over once its lease ran out
        // (3 s) and the interval after (4 s).
        Describe takeover = describes.stream().filter(d -> d.replica().equals("other")).findFirst().orElseThrow();
        assertThat(takeover.at()).isEqualTo(4000);
        assertThat(states(watcher)).isEqualTo(List.of("running:50", "finished:100"));
        // The paused replica's Describe (sent at 0 s, answered at 5 s, with the lease long gone) is the one extra:
        // otherwise the fleet polled once a second. Its late publication, fenced by the slot it lost, replaced
        // nothing newer.
        assertThat(describes).extracting(Describe::at).containsExactly(0L, 4000L, 5000L, 6000L);
        assertThat(describes.get(0).replica()).isEqualTo("paused");
        assertThat(paused.listener.rejected).isEmpty();
    }

    @Test
    void aCancelledRoundGivesItsSlotsBack() {
        Replica one = replica("one");
        one.latency = null;
        TestSubscriber<TaskInfo> watcher = one.watch(TASK);
        advance(Duration.ZERO);
        String slot = VirtualSharedStore.slotKey(SharedStateCodec.accountId(CREDENTIALS), A, TASK);
        assertThat(store.slot(slot)).isNotNull();
        watcher.cancel();
        advance(Duration.ZERO);
        assertThat(store.slot(slot)).isNull();
    }

    @Test
    void aFailedPollEndsTheWatchesOfItsReplicaGivesTheSlotsBackAndTheNextReplicaPollsItself() {
        Replica one = replica("one");
        Replica two = replica("two");
        DbbrainApiException denied = new DbbrainApiException("DescribeProxySessionKillTasks",
                "UnauthorizedOperation", "no", "req-1");
        one.describe = ids -> Mono.error(denied);
        two.describe = ids -> Mono.error(denied);
        TestSubscriber<TaskInfo> first = one.watch(TASK);
        advance(Duration.ZERO);
        assertThat(first.expectTerminalError()).isInstanceOfSatisfying(DbbrainWatchException.class,
                e -> assertThat(e.getCause()).isSameAs(denied));
        TestSubscriber<TaskInfo> second = two.watch(TASK);
        advance(Duration.ZERO);
        assertThat(second.expectTerminalError()).isInstanceOf(DbbrainWatchException.class);
        assertThat(two.describes()).isEqualTo(1);
    }

    // ---- Safe state ----

    @Test
    void corruptForeignMisplacedAndRegressedStatesAreNeverEmittedAndAreCounted() {
        Replica one = replica("one");
        Replica two = replica("two");
        TestSubscriber<TaskInfo> watcher = one.watch(TASK);
        advance(Duration.ofMillis(4100));
        assertThat(states(watcher)).containsExactly("created:0", "running:0", "running:50");

        SharedStateCodec codec = new SharedStateCodec();
        SharedStateCodec.Account account = SharedStateCodec.account(CREDENTIALS,
                SharedStateCodec.accountId(CREDENTIALS));
        long nowMicros = time.now(TimeUnit.MICROSECONDS);
        TaskInfo finished = VirtualEngine.task(A, TASK, TaskStatus.FINISHED, 100);
        List<String> written = List.of(
                // Not the layout at all.
                "{\"status\":\"finished\"}",
                // The layout, by someone without the account's key.
                codec.encode(SharedStateCodec.account(Credentials.of("AKIDfleetsource", "another-key"),
                        account.id()), A, TASK, nowMicros, nowMicros, finished),
                // Signed, but another task's state, copied here: the MAC binds account, instance and task.
                codec.encode(account, A, TASK + 1, nowMicros, nowMicros,
                        VirtualEngine.task(A, TASK + 1, TaskStatus.FINISHED, 100)),
                // An older state in the layout, by hand: its MAC cannot be right.
                codec.encode(account, A, TASK, nowMicros, nowMicros, VirtualEngine.task(A, TASK, TaskStatus.CREATED,
                        0)).replaceFirst(" R [0-9a-f]{8}", " R 00000000"));
        for (String value : written) {
            store.put(stateKey(TASK), value);
            TestSubscriber<TaskInfo> late = two.watch(TASK);
            advance(Duration.ofMillis(10));
            assertThat(late.getReceivedOnNext()).noneMatch(t -> t.status().equals("finished")
                    || t.status().equals("created"));
            late.cancel();
        }
        advance(Duration.ofSeconds(5));

        assertThat(states(watcher)).isEqualTo(ALL);
        assertThat(two.listener.rejected).containsEntry(SharedStateCodec.CORRUPT, 1)
                .containsEntry(SharedStateCodec.FOREIGN, 3);
        long rejected = one.counters().statesRejected.sum() + two.counters().statesRejected.sum();
        assertThat(rejected).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aRegressedStateIsNeverTakenAndTheTaskIsPolledInstead() {
        Replica one = replica("one");
        TestSubscriber<TaskInfo> watcher = one.watch(TASK);
        advance(Duration.ofMillis(4100));
        SharedStateCodec codec = new SharedStateCodec();
        SharedStateCodec.Account account = SharedStateCodec.account(CREDENTIALS,
                SharedStateCodec.accountId(CREDENTIALS));
        long nowMicros = time.now(TimeUnit.MICROSECONDS);
        store.put(stateKey(TASK), codec.encode(account, A, TASK, nowMicros, nowMicros,
                VirtualEngine.task(A, TASK, TaskStatus.RUNNING, 0)));
        int before = describes.size();
        advance(Duration.ofMillis(1000));

        assertThat(one.listener.rejected).containsOnlyKeys(SharedStateCodec.REGRESSED);
        // Refused, so polled: the fleet is not held back an interval by it.
        assertThat(describes).hasSize(before + 1);
        advance(Duration.ofSeconds(5));
        assertThat(states(watcher)).isEqualTo(ALL);
    }

    @Test
    void aSlotHeldByHandWithoutExpiryIsTakenAtOnce() {
        store.putSlot(VirtualSharedStore.slotKey(SharedStateCodec.accountId(CREDENTIALS), A, TASK), "someone", null);
        Replica one = replica("one");
        TestSubscriber<TaskInfo> watcher = one.watch(TASK);
        advance(Duration.ZERO);
        assertThat(states(watcher)).containsExactly("created:0");
        assertThat(one.counters().pollsTakenOver.sum()).isEqualTo(1);
    }

    @Test
    void replicasSigningWithAnotherKeyShareNothingButEachStillWatches() {
        Replica one = replica("one");
        Replica other = replica("other", Credentials.of("AKIDfleetsource", "a-rotated-key"));
        TestSubscriber<TaskInfo> a = one.watch(TASK);
        TestSubscriber<TaskInfo> b = other.watch(TASK);
        advance(Duration.ofSeconds(10));
        assertThat(states(a)).isEqualTo(ALL);
        assertThat(states(b)).isEqualTo(ALL);
        assertThat(other.listener.rejected.keySet()).containsOnly(SharedStateCodec.FOREIGN);
    }

    @Test
    void temporaryCredentialsShareTheStatesOfNoSecretId() {
        Replica one = replica("one", Credentials.of("AKIDtemp1", "temp-key-1", "token-1"));
        Replica two = replica("two", Credentials.of("AKIDtemp2", "temp-key-2", "token-2"));
        TestSubscriber<TaskInfo> a = one.watch(TASK);
        TestSubscriber<TaskInfo> b = two.watch(TASK);
        advance(Duration.ofSeconds(10));
        assertThat(states(a)).isEqualTo(ALL);
        assertThat(states(b)).isEqualTo(ALL);
        assertThat(describes).hasSize(7);
        assertThat(store.get(VirtualSharedStore.stateKey("-", A, TASK))).isNotNull();
    }

    // ---- Store trouble ----

    @Test
    void storeDownMeansEveryReplicaPollsOnItsOwnWithOneWarningEachAndSharingResumes() {
        finishesAt = 30_000;
        List<LogRecord> logs = captureLogs();
        Replica one = replica("one");
        Replica two = replica("two");
        TestSubscriber<TaskInfo> a = one.watch(TASK);
        TestSubscriber<TaskInfo> b = two.watch(TASK);
        advance(Duration.ofSeconds(5));
        long sharedBefore = describes.size();
        assertThat(sharedBefore).isEqualTo(6);

        one.view.mode = VirtualSharedStore.Mode.DOWN;
        two.view.mode = VirtualSharedStore.Mode.DOWN;
        advance(Duration.ofSeconds(10));
        // Each polls on its own: two Describes a second.
        assertThat(one.describes() + two.describes() - sharedBefore).isBetween(18L, 22L);
        assertThat(one.counters().fallbackPolls.sum()).isGreaterThanOrEqualTo(9);
        assertThat(warnings(logs)).isEqualTo(2);
        assertThat(a.isTerminated()).isFalse();
        assertThat(b.isTerminated()).isFalse();

        one.view.mode = VirtualSharedStore.Mode.UP;
        two.view.mode = VirtualSharedStore.Mode.UP;
        advance(Duration.ofSeconds(2));
        int resumedAt = describes.size();
        advance(Duration.ofSeconds(10));
        assertThat(describes.size() - resumedAt).isBetween(9, 11);
        assertThat(warnings(logs)).isEqualTo(2);
        assertThat(infos(logs)).isEqualTo(2);
        advance(Duration.ofSeconds(10));
        assertThat(a.isTerminatedComplete()).isTrue();
        assertThat(b.isTerminatedComplete()).isTrue();
        assertThat(states(a)).isEqualTo(ALL);
        assertThat(states(b)).isEqualTo(ALL);
    }

    @Test
    void aStuckStoreNeverStallsARound() {
        List<LogRecord> logs = captureLogs();
        Replica one = replica("one");
        one.view.mode = VirtualSharedStore.Mode.STUCK;
        TestSubscriber<TaskInfo> watcher = one.watch(TASK);
        // The claim gives up after the store's timeout (1 s): the round is polled on its own.
        advance(Duration.ofMillis(999));
        assertThat(watcher.getReceivedOnNext()).isEmpty();
        advance(Duration.ofMillis(1));
        assertThat(states(watcher)).containsExactly("created:0");
        advance(Duration.ofSeconds(10));
        assertThat(watcher.isTerminatedComplete()).isTrue();
        assertThat(warnings(logs)).isEqualTo(1);
    }

    @Test
    void aLostNotificationDelaysAStateByAtMostOneInterval() {
        Replica one = replica("one");
        Replica two = replica("two");
        one.latency = Duration.ofMillis(300);
        two.latency = Duration.ofMillis(300);
        one.view.hints = false;
        two.view.hints = false;
        Map<String, List<Long>> seenAt = new ConcurrentHashMap<>();
        for (Replica r : List.of(one, two)) {
            time.schedule(() -> r.engine.watch(A, TASK, options()).subscribe(t -> seenAt
                    .computeIfAbsent(r.name, k -> new CopyOnWriteArrayList<>()).add(now())));
        }
        advance(Duration.ofSeconds(10));

        List<Long> first = seenAt.get("one");
        List<Long> second = seenAt.get("two");
        assertThat(first).hasSize(4);
        assertThat(second).hasSize(4);
        for (int i = 0; i < 4; i++) {
            // Whichever replica polled, the other read the key at its next interval tick at the latest.
            assertThat(Math.abs(first.get(i) - second.get(i))).isLessThanOrEqualTo(1000);
        }
        assertThat(describes.size()).isLessThanOrEqualTo(8);
    }

    private List<LogRecord> captureLogs() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        logs = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        LOG.setLevel(Level.ALL);
        LOG.addHandler(logs);
        return records;
    }

    private static long warnings(List<LogRecord> logs) {
        return logs.stream().filter(r -> r.getLevel() == Level.WARNING).count();
    }

    private static long infos(List<LogRecord> logs) {
        return logs.stream().filter(r -> r.getLevel() == Level.INFO).count();
    }

    /** Counts what the fleet source reports. */
    static final class CountingListener extends DbbrainEventListener {
        final Map<String, Integer> rejected = new ConcurrentHashMap<>();

        @Override
        public void sharedStateRejected(String instanceId, long taskId, String reason) {
            rejected.merge(reason, 1, Integer::sum);
        }
    }
}
