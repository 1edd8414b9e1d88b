package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.WatchEngine.WatchState;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.subscriber.TestSubscriber;

/**
 * The statistics a user reads are exact by the time a subscriber is told its end: each test reads them <em>inside</em>
 * the terminal signal ({@code onComplete} or {@code onError}), on the thread that delivers it, so the order of events
 * is fixed and the result does not depend on which thread runs first. Before the fix, the kill test read one watch
 * subscriber too many (its place went back after the error was delivered) and the deadline test one watched task too
 * many (a task nobody watched stayed counted until the request it shared came back).
 */
class WatchStatsTest {

    private static final String A = "crs-stats001";

    private final VirtualEngine world = new VirtualEngine();
    private final VirtualTimeScheduler time = world.time;
    private final WatchEngineTest.CountingListener listener = world.listener;
    private final WatchEngineTest.FakeService service = new WatchEngineTest.FakeService(time);
    private final WatchEngine engine = world.engine(service, 100, 1000);

    @AfterEach
    void tearDown() {
        world.close();
    }

    private WatchOptions options() {
        return world.options();
    }

    private static TaskInfo task(long id, TaskStatus status, long progress) {
        return VirtualEngine.task(A, id, status, progress);
    }

    /** An engine with one place, taken by an idle watch of task 1. */
    private WatchEngine fullEngine() {
        WatchEngine small = world.engine(service, 100, 1);
        small.watch(A, 1, options()).subscribe(TestSubscriber.<TaskInfo>builder().initialRequest(0).build());
        return small;
    }

    /** A subscriber that requests everything and takes a reading of the engine inside its terminal signal. */
    private static final class ReadsAtTheEnd<T> implements CoreSubscriber<T> {
        private final Function<Throwable, Object> reading;
        final AtomicReference<Object> atTheEnd = new AtomicReference<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        Subscription subscription;

        ReadsAtTheEnd(Function<Throwable, Object> reading) {
            this.reading = reading;
        }

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(T t) {
        }

        @Override
        public void onError(Throwable t) {
            error.set(t);
            atTheEnd.set(reading.apply(t));
        }

        @Override
        public void onComplete() {
            atTheEnd.set(reading.apply(null));
        }
    }

    private ReadsAtTheEnd<TaskInfo> readingTheEngine() {
        return new ReadsAtTheEnd<>(e -> engine.state());
    }

    private static void assertNothingCounted(Object reading) {
        assertThat(reading).isInstanceOfSatisfying(WatchState.class, s -> assertThat(s)
                .extracting(WatchState::instances, WatchState::tasks, WatchState::subscribers)
                .containsExactly(0, 0, 0));
    }

    @Test
    void aWatchThatCompletesIsNoLongerCountedWhenItsSubscriberIsTold() {
        service.set(task(1, TaskStatus.RUNNING, 10));
        ReadsAtTheEnd<TaskInfo> watcher = readingTheEngine();
        engine.watch(A, 1, options()).subscribe(watcher);
        service.set(task(1, TaskStatus.FINISHED, 100));
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertNothingCounted(watcher.atTheEnd.get());
    }

    /**
     * A request counts in flight until its answer has been handled, so that zero means every answer has been acted on
     * (what a test waiting for quiet, such as {@code VirtualWorld.settle()}, relies on); but an answer that ends every
     * watch of its instance is done with before its subscribers are told, so a reader woken by the last end sees no
     * request in flight.
     */
    @Test
    void aRequestWhoseAnswerEndsTheLastWatchOfItsInstanceIsNoLongerInFlightWhenItsSubscriberIsTold() {
        service.set(task(1, TaskStatus.RUNNING, 10));
        service.latency = Duration.ofSeconds(1);
        ReadsAtTheEnd<TaskInfo> watcher = readingTheEngine();
        engine.watch(A, 1, options()).subscribe(watcher);
        service.set(task(1, TaskStatus.FINISHED, 100));
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(watcher.atTheEnd.get()).isInstanceOfSatisfying(WatchState.class,
                s -> assertThat(s.requestsInFlight()).isZero());
        assertNothingCounted(watcher.atTheEnd.get());
    }

    @Test
    void aRequestThatEndsOneWatchWhileItsInstanceHasOthersCountsInFlightUntilItsAnswerHasBeenHandled() {
        service.set(task(1, TaskStatus.RUNNING, 10));
        service.set(task(2, TaskStatus.RUNNING, 10));
        service.latency = Duration.ofSeconds(1);
        ReadsAtTheEnd<TaskInfo> watcher = readingTheEngine();
        engine.watch(A, 1, options()).subscribe(watcher);
        engine.watch(A, 2, options()).subscribe(TestSubscriber.<TaskInfo>builder().initialRequest(0).build());
        service.set(task(1, TaskStatus.FINISHED, 100));
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(watcher.atTheEnd.get()).isInstanceOfSatisfying(WatchState.class,
                s -> assertThat(s.requestsInFlight()).isEqualTo(1));
        assertThat(engine.state().requestsInFlight()).isZero();
    }

    @Test
    void watchesEndedByTheirTaskFailingTheirPollFailingTheGraceOrAClosedClientAreNoLongerCounted() {
        service.set(task(1, TaskStatus.RUNNING, 10));
        ReadsAtTheEnd<TaskInfo> strict = readingTheEngine();
        engine.watch(A, 1, options().failedAsError(true)).subscribe(strict);
        service.set(task(1, TaskStatus.FAILED, 100));
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(strict.error.get()).isInstanceOf(DbbrainWatchException.class);
        assertNothingCounted(strict.atTheEnd.get());

        ReadsAtTheEnd<TaskInfo> lost = readingTheEngine();
        engine.watch(A, 2, options().notFoundGrace(Duration.ofSeconds(2))).subscribe(lost);
        time.advanceTimeBy(Duration.ofSeconds(2));
        assertThat(lost.error.get()).isInstanceOf(DbbrainWatchException.class);
        assertNothingCounted(lost.atTheEnd.get());

        service.set(task(3, TaskStatus.RUNNING, 0));
        ReadsAtTheEnd<TaskInfo> failing = readingTheEngine();
        engine.watch(A, 3, options()).subscribe(failing);
        service.failure = new DbbrainApiException("DescribeProxySessionKillTasks", "AuthFailure.SignatureFailure",
                "bad signature", "req-1");
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(failing.error.get()).isInstanceOf(DbbrainWatchException.class);
        assertNothingCounted(failing.atTheEnd.get());

        service.failure = null;
        ReadsAtTheEnd<TaskInfo> closed = readingTheEngine();
        engine.watch(A, 4, options()).subscribe(closed);
        engine.close();
        assertThat(closed.error.get()).isInstanceOf(DbbrainWatchException.class);
        assertNothingCounted(closed.atTheEnd.get());
    }

    @Test
    void aWatchWhoseDeadlinePassesWhileItsTaskSharesARequestInFlightIsNoLongerCountedWhenItsSubscriberIsTold() {
        service.latency = Duration.ofSeconds(5);
        service.set(task(1, TaskStatus.RUNNING, 10));
        service.set(task(2, TaskStatus.RUNNING, 20));
        ReadsAtTheEnd<TaskInfo> hurried = readingTheEngine();
        TestSubscriber<TaskInfo> patient = TestSubscriber.create();
        // Subscribed within one tick: tasks 1 and 2 share one request, in flight for 5 s.
        time.schedule(() -> {
            engine.watch(A, 1, options().deadline(Duration.ofSeconds(2))).subscribe(hurried);
            engine.watch(A, 2, options()).subscribe(patient);
        });
        assertThat(service.calls).hasSize(1);

        time.advanceTimeBy(Duration.ofSeconds(2));
        assertThat(hurried.error.get()).isInstanceOfSatisfying(DbbrainWatchException.class,
                e -> assertThat(e.reason()).isEqualTo(DbbrainWatchException.Reason.DEADLINE));
        // The request is still in flight for task 2, and task 1 rides along, but nobody watches task 1 any more.
        assertThat(hurried.atTheEnd.get()).isInstanceOfSatisfying(WatchState.class, s -> assertThat(s)
                .extracting(WatchState::instances, WatchState::tasks, WatchState::subscribers,
                        WatchState::requestsInFlight)
                .containsExactly(1, 1, 1, 1));

        time.advanceTimeBy(Duration.ofSeconds(3));
        assertThat(patient.getReceivedOnNext()).extracting(TaskInfo::progress).containsExactly(20L);
        assertThat(engine.state().tasks()).isEqualTo(1);
        patient.cancel();
        assertThat(engine.state()).extracting(WatchState::instances, WatchState::tasks, WatchState::requestsInFlight,
                WatchState::timers, WatchState::subscribers).containsExactly(0, 0, 0, 0, 0);
    }

    @Test
    void aCancelledWatchWhoseTaskSharesARequestInFlightIsNoLongerCountedWhenCancelReturns() {
        service.latency = Duration.ofSeconds(5);
        TestSubscriber<TaskInfo> one = TestSubscriber.create();
        TestSubscriber<TaskInfo> two = TestSubscriber.create();
        time.schedule(() -> {
            engine.watch(A, 1, options()).subscribe(one);
            engine.watch(A, 2, options()).subscribe(two);
        });
        one.cancel();
        assertThat(engine.state()).extracting(WatchState::tasks, WatchState::subscribers, WatchState::requestsInFlight)
                .containsExactly(1, 1, 1);
        // A new subscriber of the cancelled task joins the loop still riding on the request: it is counted again.
        TestSubscriber<TaskInfo> again = TestSubscriber.create();
        engine.watch(A, 1, options()).subscribe(again);
        assertThat(engine.state().tasks()).isEqualTo(2);
        assertThat(service.calls).hasSize(1);
        again.cancel();
        two.cancel();
        assertThat(engine.state()).extracting(WatchState::tasks, WatchState::subscribers, WatchState::requestsInFlight)
                .containsExactly(0, 0, 0);
    }

    // ---- a kill's place, taken before its Create ----

    @Test
    void aKillWhoseCreateFailsHasGivenItsPlaceBackWhenItsSubscriberIsTold() {
        TestPublisher<Long> create = TestPublisher.create();
        ReadsAtTheEnd<TaskInfo> killer = readingTheEngine();
        engine.watchCreated(create.mono(), A, options()).subscribe(killer);
        assertThat(engine.state().subscribers()).isEqualTo(1);
        create.error(new DbbrainTransportException("CreateProxySessionKillTask", "connection refused", false, null));
        assertThat(killer.error.get()).isInstanceOf(DbbrainTransportException.class);
        assertNothingCounted(killer.atTheEnd.get());
        assertThat(listener.started.get()).isEqualTo(listener.ended.get());
    }

    @Test
    void aKillWhoseCreateCompletesEmptyOrIsCancelledGivesItsPlaceBackAtOnce() {
        TestPublisher<Long> empty = TestPublisher.create();
        ReadsAtTheEnd<TaskInfo> killer = readingTheEngine();
        engine.watchCreated(empty.mono(), A, options()).subscribe(killer);
        empty.complete();
        assertNothingCounted(killer.atTheEnd.get());

        TestPublisher<Long> pending = TestPublisher.create();
        TestSubscriber<TaskInfo> quitter = TestSubscriber.create();
        engine.watchCreated(pending.mono(), A, options()).subscribe(quitter);
        assertThat(engine.state().subscribers()).isEqualTo(1);
        quitter.cancel();
        assertThat(engine.state().subscribers()).isZero();
        pending.assertCancelled();
    }

    @Test
    void aKillWhoseCreateAnswersHandsItsPlaceToTheWatchAndTheWatchGivesItBackWhenItEnds() {
        TestPublisher<Long> create = TestPublisher.create();
        service.set(task(5, TaskStatus.RUNNING, 0));
        ReadsAtTheEnd<TaskInfo> killer = readingTheEngine();
        engine.watchCreated(create.mono(), A, options()).subscribe(killer);
        create.emit(5L);
        // One place: the one taken before the Create, now the watch's.
        assertThat(engine.state()).extracting(WatchState::tasks, WatchState::subscribers).containsExactly(1, 1);
        service.set(task(5, TaskStatus.FINISHED, 100));
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertNothingCounted(killer.atTheEnd.get());
        assertThat(listener.started.get()).isEqualTo(listener.ended.get()).isEqualTo(1);
    }

    @Test
    void aKillOverTheCapNeverSubscribesItsCreate() {
        WatchEngine full = fullEngine();
        TestPublisher<Long> create = TestPublisher.create();
        StepVerifier.create(full.watchCreated(create.mono(), A, options()))
                .expectError(DbbrainCapacityException.class)
                .verify(Duration.ofSeconds(5));
        create.assertWasNotSubscribed();
        assertThat(full.state().subscribers()).isEqualTo(1);
        assertThat(listener.rejected.get()).isEqualTo(1);
    }

    /**
     * Through the client and its transport: the Create to a port nobody listens on fails on a Netty thread, and the
     * subscriber, told on that thread, reads the client's statistics. Before the fix the place went back in a
     * {@code doFinally}, which Reactor runs after the error has reached the subscriber: it read 1.
     */
    @Test
    void theClientsStatsAreExactWhenAKillsSubscriberIsToldItsCreateFailed() {
        try (DbbrainClient client = DbbrainClient.builder().endpoint("http://127.0.0.1:9")
                .credentials(Credentials.of("AKIDstats", "stats-key")).rateLimiter(RateLimiter.unlimited())
                .scheduler(time).maxRetries(0).build()) {
            AtomicReference<ClientStats> atTheError = new AtomicReference<>();
            StepVerifier.create(client.killProxySessions(A).doOnError(e -> atTheError.set(client.stats())))
                    .expectError(DbbrainTransportException.class)
                    .verify(Duration.ofSeconds(10));
            assertThat(atTheError.get()).extracting(ClientStats::requests, ClientStats::watchSubscribers,
                    ClientStats::watchedTasks).containsExactly(1L, 0, 0);
        }
    }

    @Test
    void aWatchRefusedByTheCapIsNeverCounted() {
        WatchEngine full = fullEngine();
        ReadsAtTheEnd<TaskInfo> refused = new ReadsAtTheEnd<>(e -> full.state());
        full.watch(A, 2, options()).subscribe(refused);
        assertThat(refused.error.get()).isInstanceOf(DbbrainCapacityException.class);
        assertThat(refused.atTheEnd.get()).isInstanceOfSatisfying(WatchState.class,
                s -> assertThat(s).extracting(WatchState::tasks, WatchState::subscribers).containsExactly(1, 1));
    }
}
