package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.Scannable.Attr;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.subscriber.TestSubscriber;

/**
 * The watch engine's logic, without HTTP: a scripted Describe function and one virtual clock for the engine, the
 * watches and the service's latency. Each test runs in virtual time, in milliseconds of real time. The loopback ITs
 * ({@code WatchEngineIT}, {@code WatchAtScaleIT}) prove the same engine wired to the client and the emulator.
 */
class WatchEngineTest {

    private static final String A = "crs-aaaa0001";
    private static final String B = "crs-bbbb0002";

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final FakeService service = new FakeService(time);
    private final CountingListener listener = new CountingListener();
    private WatchEngine engine = engine(100, 1000);

    @AfterEach
    void tearDown() {
        engine.close();
        time.dispose();
    }

    private WatchEngine engine(int maxBatch, int maxWatches) {
        return new WatchEngine(service, maxBatch, maxWatches, () -> time, listener);
    }

    /** 1 s interval, no jitter, on the virtual clock. */
    private WatchOptions options() {
        return WatchOptions.defaults().scheduler(time).jitter(0);
    }

    private static TaskInfo task(long id, TaskStatus status, long progress) {
        return new TaskInfo(id, A, status.wireValue(), progress, List.of("proxy-1"), 1, List.of(), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static List<String> states(TestSubscriber<TaskInfo> subscriber) {
        return subscriber.getReceivedOnNext().stream().map(t -> t.status() + ":" + t.progress()).toList();
    }

    private static List<Scannable> parents(Scannable scannable) {
        return scannable.parents().map(Scannable.class::cast).toList();
    }

    private void advance(Duration duration) {
        time.advanceTimeBy(duration);
    }

    private void assertNothingRunning() {
        assertThat(engine.state()).extracting(WatchEngine.WatchState::instances, WatchEngine.WatchState::tasks,
                WatchEngine.WatchState::requestsInFlight, WatchEngine.WatchState::timers,
                WatchEngine.WatchState::subscribers).containsExactly(0, 0, 0, 0, 0);
        assertThat(listener.started.get()).isEqualTo(listener.ended.get());
    }

    // ---- batching ----

    @Test
    void tasksOfOneInstanceShareRequestsOfAtMostMaxBatchIdsAndInstancesNeverShareOne() {
        engine = engine(3, 1000);
        List<TestSubscriber<TaskInfo>> watchers = new ArrayList<>();
        // Subscribed within one task of the scheduler: a burst between two timer ticks.
        time.schedule(() -> {
            for (long id = 1; id <= 9; id++) {
                service.set(task(id, TaskStatus.RUNNING, 0));
                TestSubscriber<TaskInfo> s = TestSubscriber.create();
                engine.watch(id <= 7 ? A : B, id, options()).subscribe(s);
                watchers.add(s);
            }
        });
        assertThat(service.calls).extracting(c -> c.instanceId() + ":" + c.ids().size())
                .containsExactlyInAnyOrder(A + ":3", A + ":3", A + ":1", B + ":2");
        assertThat(service.calls).filteredOn(c -> c.instanceId().equals(B)).first()
                .extracting(FakeService.Call::ids).isEqualTo(List.of(8L, 9L));
        advance(Duration.ofSeconds(1));
        assertThat(service.calls).hasSize(8);
        assertThat(watchers).allSatisfy(s -> assertThat(states(s)).containsExactly("running:0"));
        watchers.forEach(TestSubscriber::cancel);
        assertNothingRunning();
    }

    // ---- demand ----

    @Test
    void nothingIsPolledBeforeTheSubscriberRequestsAndASlowOneGetsTheLatestStateSkippingIntermediateOnes() {
        service.set(task(1, TaskStatus.CREATED, 0));
        TestSubscriber<TaskInfo> slow = TestSubscriber.builder().initialRequest(0).build();
        engine.watch(A, 1, options()).subscribe(slow);
        advance(Duration.ofMinutes(1));
        assertThat(service.calls).isEmpty();

        slow.request(1);
        assertThat(states(slow)).containsExactly("created:0");
        assertThat(service.calls).hasSize(1);
        // The task moves on while the subscriber asks for nothing: nothing is polled.
        service.set(task(1, TaskStatus.CHOSEN, 0));
        advance(Duration.ofSeconds(10));
        service.set(task(1, TaskStatus.RUNNING, 33));
        advance(Duration.ofSeconds(10));
        service.set(task(1, TaskStatus.RUNNING, 66));
        advance(Duration.ofSeconds(10));
        assertThat(service.calls).hasSize(1);

        slow.request(1);
        assertThat(states(slow)).containsExactly("created:0", "running:66");
        assertThat(service.calls).hasSize(2);
        service.set(task(1, TaskStatus.FINISHED, 100));
        slow.request(1);
        advance(Duration.ofSeconds(1));
        assertThat(states(slow)).containsExactly("created:0", "running:66", "finished:100");
        assertThat(slow.isTerminatedComplete()).isTrue();
        assertNothingRunning();
    }

    @Test
    void aSubscriberWithDemandLeftKeepsPollingUntilTheStateChanges() {
        service.set(task(1, TaskStatus.RUNNING, 0));
        TestSubscriber<TaskInfo> watcher = TestSubscriber.builder().initialRequest(2).build();
        engine.watch(A, 1, options()).subscribe(watcher);
        advance(Duration.ofMillis(4500));
        // At 0 (the first state), then 1, 2, 3 and 4 s for the change the second item waits for.
        assertThat(service.calls).hasSize(5);
        service.set(task(1, TaskStatus.RUNNING, 50));
        advance(Duration.ofSeconds(1));
        assertThat(states(watcher)).containsExactly("running:0", "running:50");
        // No demand left: no more polls.
        advance(Duration.ofMinutes(1));
        assertThat(service.calls).hasSize(6);
        watcher.cancel();
        assertNothingRunning();
    }

    @Test
    void theTerminalStateIsNeverSkippedByASlowSubscriberAndCostsItNoRequest() {
        service.set(task(1, TaskStatus.CREATED, 0));
        TestSubscriber<TaskInfo> fast = TestSubscriber.create();
        TestSubscriber<TaskInfo> slow = TestSubscriber.builder().initialRequest(1).build();
        engine.watch(A, 1, options()).subscribe(fast);
        engine.watch(A, 1, options()).subscribe(slow);
        service.set(task(1, TaskStatus.RUNNING, 50));
        advance(Duration.ofSeconds(1));
        service.set(task(1, TaskStatus.FINISHED, 100));
        advance(Duration.ofSeconds(1));
        assertThat(fast.isTerminatedComplete()).isTrue();
        int calls = service.calls.size();

        slow.request(1);
        assertThat(states(slow)).containsExactly("created:0", "finished:100");
        assertThat(slow.isTerminatedComplete()).isTrue();
        assertThat(service.calls).hasSize(calls);
        assertNothingRunning();
    }

    @Test
    void aRequestThatIsNotPositiveEndsTheWatchWithTheRuleItBreaks() {
        service.set(task(1, TaskStatus.RUNNING, 0));
        Probe watcher = new Probe(s -> s.request(0));
        engine.watch(A, 1, options()).subscribe(watcher);
        assertThat(watcher.signals).containsExactly("error");
        assertThat(watcher.error).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("§3.9");
        assertThat(service.calls).isEmpty();
        assertNothingRunning();
    }

    // ---- sharing ----

    @Test
    void tenSubscribersOfOneTaskShareOneLoopAndCostWhatOneCosts() {
        service.set(task(1, TaskStatus.RUNNING, 0));
        List<TestSubscriber<TaskInfo>> watchers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            TestSubscriber<TaskInfo> s = TestSubscriber.create();
            engine.watch(A, 1, options()).subscribe(s);
            watchers.add(s);
        }
        assertThat(engine.state().tasks()).isEqualTo(1);
        assertThat(engine.state().subscribers()).isEqualTo(10);
        advance(Duration.ofSeconds(5));
        service.set(task(1, TaskStatus.FINISHED, 100));
        advance(Duration.ofSeconds(1));
        // One poll a second, 0 to 6 s, whatever the number of subscribers.
        assertThat(service.calls).hasSize(7).allSatisfy(c -> assertThat(c.ids()).containsExactly(1L));
        assertThat(watchers).allSatisfy(s -> {
            assertThat(states(s)).containsExactly("running:0", "finished:100");
            assertThat(s.isTerminatedComplete()).isTrue();
        });
        assertThat(listener.updates.get()).isEqualTo(2);
        assertNothingRunning();
    }

    @Test
    void aLateSubscriberFirstGetsTheLatestKnownStateWithoutARequest() {
        service.set(task(1, TaskStatus.CREATED, 0));
        TestSubscriber<TaskInfo> early = TestSubscriber.create();
        engine.watch(A, 1, options()).subscribe(early);
        advance(Duration.ofMillis(2500));
        service.set(task(1, TaskStatus.RUNNING, 33));
        advance(Duration.ofSeconds(1));
        int calls = service.calls.size();

        TestSubscriber<TaskInfo> late = TestSubscriber.builder().initialRequest(1).build();
        engine.watch(A, 1, options()).subscribe(late);
        assertThat(states(late)).containsExactly("running:33");
        assertThat(service.calls).hasSize(calls);
        assertThat(engine.state().tasks()).isEqualTo(1);
        early.cancel();
        late.cancel();
        assertNothingRunning();
    }

    @Test
    void aSubscriberArrivingWithinAMinuteAfterTheEndGetsTheFinalStateWithoutARequestAndLeavesNothingBehind() {
        service.set(task(1, TaskStatus.FINISHED, 100));
        StepVerifier.create(engine.watch(A, 1, options()))
                .assertNext(t -> assertThat(t.taskStatus()).isEqualTo(TaskStatus.FINISHED))
                .verifyComplete();
        assertThat(engine.state().endedRemembered()).isEqualTo(1);
        advance(Duration.ofSeconds(59));

        TestSubscriber<TaskInfo> late = TestSubscriber.builder().initialRequest(1).build();
        engine.watch(A, 1, options()).subscribe(late);
        assertThat(states(late)).containsExactly("finished:100");
        assertThat(late.isTerminatedComplete()).isTrue();
        assertThat(service.calls).hasSize(1);
        assertNothingRunning();

        // Forgotten after a minute: a later subscriber asks the service again.
        advance(Duration.ofSeconds(1));
        StepVerifier.create(engine.watch(A, 1, options())).expectNextCount(1).verifyComplete();
        assertThat(service.calls).hasSize(2);
    }

    @Test
    void theSameTaskOnTwoSchedulersRunsTwoLoops() {
        VirtualTimeScheduler other = VirtualTimeScheduler.create();
        try {
            service.set(task(1, TaskStatus.RUNNING, 0));
            TestSubscriber<TaskInfo> a = TestSubscriber.create();
            TestSubscriber<TaskInfo> b = TestSubscriber.create();
            engine.watch(A, 1, options()).subscribe(a);
            engine.watch(A, 1, options().scheduler(other)).subscribe(b);
            assertThat(engine.state().instances()).isEqualTo(2);
            assertThat(engine.state().tasks()).isEqualTo(2);
            a.cancel();
            b.cancel();
            assertNothingRunning();
        } finally {
            other.dispose();
        }
    }

    // ---- cancellation ----

    @Test
    void cancellingTheLastSubscriberCancelsTheRequestInFlightAndNothingIsSentAfterwards() {
        service.latency = Duration.ofSeconds(5);
        TestSubscriber<TaskInfo> a = TestSubscriber.create();
        TestSubscriber<TaskInfo> b = TestSubscriber.create();
        engine.watch(A, 1, options()).subscribe(a);
        engine.watch(A, 1, options()).subscribe(b);
        assertThat(service.calls).hasSize(1);
        assertThat(engine.state().requestsInFlight()).isEqualTo(1);

        a.cancel();
        assertThat(engine.state().requestsInFlight()).isEqualTo(1);
        assertThat(service.cancelled).isZero();
        b.cancel();
        assertThat(service.cancelled).isEqualTo(1);
        assertNothingRunning();
        advance(Duration.ofMinutes(1));
        assertThat(service.calls).hasSize(1);
        assertThat(a.getReceivedOnNext()).isEmpty();
        assertThat(a.isTerminated()).isFalse();
    }

    @Test
    void cancellingTheLastSubscriberBetweenPollsCancelsTheTimer() {
        service.set(task(1, TaskStatus.RUNNING, 0));
        TestSubscriber<TaskInfo> watcher = TestSubscriber.create();
        engine.watch(A, 1, options()).subscribe(watcher);
        assertThat(engine.state().timers()).isEqualTo(1);
        watcher.cancel();
        assertNothingRunning();
        advance(Duration.ofMinutes(1));
        assertThat(service.calls).hasSize(1);
    }

    @Test
    void aBatchInFlightIsCancelledOnlyWhenNoneOfItsTasksIsWatched() {
        service.latency = Duration.ofSeconds(5);
        TestSubscriber<TaskInfo> one = TestSubscriber.create();
        TestSubscriber<TaskInfo> two = TestSubscriber.create();
        time.schedule(() -> {
            engine.watch(A, 1, options()).subscribe(one);
            engine.watch(A, 2, options()).subscribe(two);
        });
        assertThat(service.calls).extracting(FakeService.Call::ids).containsExactly(List.of(1L, 2L));
        one.cancel();
        assertThat(service.cancelled).isZero();
        service.set(task(2, TaskStatus.RUNNING, 10));
        advance(Duration.ofSeconds(5));
        assertThat(states(two)).containsExactly("running:10");
        // Task 1 left while its answer was in flight: it is not polled again.
        advance(Duration.ofSeconds(1));
        assertThat(service.calls.get(1).ids()).containsExactly(2L);
        two.cancel();
        assertNothingRunning();
    }

    // ---- giving up ----

    @Test
    void theDeadlineEndsTheWatchWithTheLastStateSeenAndStopsItsPolling() {
        service.set(task(1, TaskStatus.CREATED, 0));
        StepVerifier.withVirtualTime(() -> engine.watch(A, 1, options().deadline(Duration.ofSeconds(5))),
                        () -> time, Long.MAX_VALUE)
                .assertNext(t -> assertThat(t.status()).isEqualTo("created"))
                .expectNoEvent(Duration.ofMillis(4999))
                .thenAwait(Duration.ofMillis(1))
                .expectErrorSatisfies(e -> {
                    DbbrainWatchException we = (DbbrainWatchException) e;
                    assertThat(we.reason()).isEqualTo(DbbrainWatchException.Reason.DEADLINE);
                    assertThat(we.lastSeen()).map(TaskInfo::status).contains("created");
                    assertThat(we.asyncRequestId()).isEqualTo(1);
                    assertThat(we).hasMessageContaining("deadline");
                })
                .verify(Duration.ofSeconds(5));
        assertNothingRunning();
        int calls = service.calls.size();
        advance(Duration.ofMinutes(1));
        assertThat(service.calls).hasSize(calls);
    }

    @Test
    void aTaskNotReportedWithinTheGracePeriodFailsWithNotFound() {
        TestSubscriber<TaskInfo> watcher = TestSubscriber.create();
        engine.watch(A, 1, options().notFoundGrace(Duration.ofSeconds(3))).subscribe(watcher);
        advance(Duration.ofMillis(2999));
        assertThat(watcher.isTerminated()).isFalse();
        advance(Duration.ofMillis(1));
        assertThat(watcher.expectTerminalError()).isInstanceOfSatisfying(DbbrainWatchException.class, e -> {
            assertThat(e.reason()).isEqualTo(DbbrainWatchException.Reason.NOT_FOUND);
            assertThat(e.lastSeen()).isEmpty();
        });
        // Looked for at 0, 1, 2 and 3 s.
        assertThat(service.calls).hasSize(4);
        assertNothingRunning();
    }

    @Test
    void aTaskReportedWithinTheGracePeriodIsWatchedAndLaterAbsencesAreNotNotFound() {
        TestSubscriber<TaskInfo> watcher = TestSubscriber.create();
        engine.watch(A, 1, options().notFoundGrace(Duration.ofSeconds(3))).subscribe(watcher);
        advance(Duration.ofMillis(1500));
        service.set(task(1, TaskStatus.CREATED, 0));
        advance(Duration.ofSeconds(1));
        // A replica that does not know the task yet: once seen, a task is never "not found".
        service.forget(1);
        advance(Duration.ofSeconds(10));
        service.set(task(1, TaskStatus.FINISHED, 100));
        advance(Duration.ofSeconds(1));
        assertThat(states(watcher)).containsExactly("created:0", "finished:100");
        assertThat(watcher.isTerminatedComplete()).isTrue();
    }

    @Test
    void aResourceNotFoundErrorCountsAsAnAnswerThatDoesNotReportTheTask() {
        service.failure = new DbbrainApiException("DescribeProxySessionKillTasks", "ResourceNotFound.InstanceNotFound",
                "no such instance", "req-1");
        TestSubscriber<TaskInfo> watcher = TestSubscriber.create();
        engine.watch(A, 1, options().notFoundGrace(Duration.ofSeconds(2))).subscribe(watcher);
        advance(Duration.ofSeconds(2));
        assertThat(watcher.expectTerminalError()).isInstanceOfSatisfying(DbbrainWatchException.class,
                e -> assertThat(e.reason()).isEqualTo(DbbrainWatchException.Reason.NOT_FOUND));
        assertThat(service.calls).hasSize(3);
        assertNothingRunning();
    }

    @Test
    void aPollFailureEndsEveryWatchOfItsBatchWithPollFailedTheCauseAndTheLastStateSeen() {
        service.set(task(1, TaskStatus.RUNNING, 10));
        service.set(task(2, TaskStatus.RUNNING, 20));
        TestSubscriber<TaskInfo> one = TestSubscriber.create();
        TestSubscriber<TaskInfo> two = TestSubscriber.create();
        time.schedule(() -> {
            engine.watch(A, 1, options()).subscribe(one);
            engine.watch(A, 2, options()).subscribe(two);
        });
        DbbrainApiException cause = new DbbrainApiException("DescribeProxySessionKillTasks",
                "AuthFailure.SignatureFailure", "bad signature", "req-2");
        service.failure = cause;
        advance(Duration.ofSeconds(1));
        assertThat(List.of(one, two)).allSatisfy(s -> assertThat(s.expectTerminalError())
                .isInstanceOfSatisfying(DbbrainWatchException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DbbrainWatchException.Reason.POLL_FAILED);
                    assertThat(e.getCause()).isSameAs(cause);
                    assertThat(e.category()).isEqualTo(ErrorCategory.AUTH);
                    assertThat(e.lastSeen()).map(TaskInfo::taskStatus).contains(TaskStatus.RUNNING);
                }));
        assertThat(service.calls).hasSize(2);
        assertNothingRunning();
    }

    @Test
    void aPollRefusedByAFullLimiterQueueSkipsTheRoundAndTheWatchGoesOnToTheEnd() {
        service.set(task(1, TaskStatus.RUNNING, 10));
        TestSubscriber<TaskInfo> watcher = TestSubscriber.create();
        engine.watch(A, 1, options()).subscribe(watcher);
        assertThat(states(watcher)).containsExactly("running:10");
        // The limiter's queue is full for two rounds: nothing was sent, so nothing is lost.
        service.failure = new DbbrainCapacityException("DescribeProxySessionKillTasks", "maxQueued", 1000,
                "1000 requests already wait for a permit");
        advance(Duration.ofSeconds(2));
        assertThat(watcher.isTerminated()).isFalse();
        assertThat(service.calls).hasSize(3);
        service.failure = null;
        service.set(task(1, TaskStatus.FINISHED, 100));
        advance(Duration.ofSeconds(1));
        assertThat(states(watcher)).containsExactly("running:10", "finished:100");
        assertThat(watcher.isTerminatedComplete()).isTrue();
        assertNothingRunning();
    }

    @Test
    void aFailedTaskCompletesNormallyByDefaultAndEndsWithTaskFailedWhenAsked() {
        service.set(task(1, TaskStatus.RUNNING, 0));
        TestSubscriber<TaskInfo> lenient = TestSubscriber.create();
        TestSubscriber<TaskInfo> strict = TestSubscriber.create();
        engine.watch(A, 1, options()).subscribe(lenient);
        engine.watch(A, 1, options().failedAsError(true)).subscribe(strict);
        service.set(task(1, TaskStatus.FAILED, 100));
        advance(Duration.ofSeconds(1));
        assertThat(lenient.isTerminatedComplete()).isTrue();
        assertThat(states(lenient)).containsExactly("running:0", "failed:100");
        assertThat(states(strict)).containsExactly("running:0", "failed:100");
        assertThat(strict.expectTerminalError()).isInstanceOfSatisfying(DbbrainWatchException.class, e -> {
            assertThat(e.reason()).isEqualTo(DbbrainWatchException.Reason.TASK_FAILED);
            assertThat(e.lastSeen()).map(TaskInfo::taskStatus).contains(TaskStatus.FAILED);
        });
        assertNothingRunning();
    }

    // ---- what counts as a change ----

    @Test
    void aLowerStatusOrALowerProgressFromAnOlderReplicaIsIgnored() {
        service.set(task(1, TaskStatus.RUNNING, 33));
        TestSubscriber<TaskInfo> watcher = TestSubscriber.create();
        engine.watch(A, 1, options()).subscribe(watcher);
        service.set(task(1, TaskStatus.CHOSEN, 0));
        advance(Duration.ofSeconds(1));
        service.set(task(1, TaskStatus.RUNNING, 10));
        advance(Duration.ofSeconds(1));
        service.set(task(1, TaskStatus.RUNNING, 66));
        advance(Duration.ofSeconds(1));
        service.set(task(1, TaskStatus.RUNNING, 33));
        advance(Duration.ofSeconds(1));
        service.set(task(1, TaskStatus.FINISHED, 100));
        advance(Duration.ofSeconds(1));
        assertThat(states(watcher)).containsExactly("running:33", "running:66", "finished:100");
        assertThat(listener.updates.get()).isEqualTo(3);
    }

    @Test
    void anUnchangedAnswerIsNotEmittedAndGrowsTheIntervalUpToItsMaximum() {
        service.set(task(1, TaskStatus.RUNNING, 0));
        TestSubscriber<TaskInfo> watcher = TestSubscriber.create();
        engine.watch(A, 1, options().growth(2, Duration.ofSeconds(8))).subscribe(watcher);
        List<Integer> calls = new ArrayList<>();
        for (int second = 1; second <= 31; second++) {
            advance(Duration.ofSeconds(1));
            calls.add(service.calls.size());
        }
        // Polls at 0, 1, 3, 7, 15, 23 and 31 s: 1 s doubling, capped at 8 s.
        assertThat(calls.get(0)).isEqualTo(2);
        assertThat(calls.get(2)).isEqualTo(3);
        assertThat(calls.get(6)).isEqualTo(4);
        assertThat(calls.get(14)).isEqualTo(5);
        assertThat(calls.get(22)).isEqualTo(6);
        assertThat(calls.get(30)).isEqualTo(7);
        assertThat(states(watcher)).containsExactly("running:0");
        // A change resets the interval.
        service.set(task(1, TaskStatus.RUNNING, 50));
        advance(Duration.ofSeconds(8));
        advance(Duration.ofSeconds(1));
        assertThat(service.calls).hasSize(9);
        watcher.cancel();
    }

    @Test
    void jitterKeepsEveryIntervalWithinItsBounds() {
        WatchOptions options = WatchOptions.defaults().pollInterval(Duration.ofSeconds(1)).jitter(0.5);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 10_000; i++) {
            long d = options.nextDelayMillis(0);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(min).isBetween(500L, 550L);
        assertThat(max).isBetween(1450L, 1500L);
        WatchOptions grown = options.growth(3, Duration.ofSeconds(10)).jitter(0.2);
        for (int i = 0; i < 1000; i++) {
            assertThat(grown.nextDelayMillis(5)).isBetween(8000L, 12_000L);
        }
    }

    // ---- close ----

    @Test
    void closingEndsEveryWatchWithClientClosedCancelsItsRequestsAndRefusesNewWatches() {
        service.latency = Duration.ofSeconds(5);
        service.set(task(1, TaskStatus.RUNNING, 0));
        TestSubscriber<TaskInfo> one = TestSubscriber.create();
        TestSubscriber<TaskInfo> two = TestSubscriber.create();
        engine.watch(A, 1, options()).subscribe(one);
        engine.watch(B, 2, options()).subscribe(two);
        assertThat(engine.state().requestsInFlight()).isEqualTo(2);

        engine.close();
        assertThat(List.of(one, two)).allSatisfy(s -> assertThat(s.expectTerminalError())
                .isInstanceOfSatisfying(DbbrainWatchException.class,
                        e -> assertThat(e.reason()).isEqualTo(DbbrainWatchException.Reason.CLIENT_CLOSED)));
        assertThat(service.cancelled).isEqualTo(2);
        assertNothingRunning();
        assertThat(engine.state().endedRemembered()).isZero();
        StepVerifier.create(engine.watch(A, 1, options())).expectError(IllegalStateException.class)
                .verify(Duration.ofSeconds(5));
        advance(Duration.ofMinutes(1));
        assertThat(service.calls).hasSize(2);
    }

    // ---- Reactive Streams rule 2.13 ----

    @Test
    void aSubscriberWhoseOnSubscribeThrowsLeavesNothingRegisteredAndItsErrorGoesToTheHooks() {
        List<Throwable> operatorErrors = new ArrayList<>();
        List<Throwable> dropped = new ArrayList<>();
        Hooks.onOperatorError("watch-test", (e, data) -> {
            operatorErrors.add(e);
            return e;
        });
        Hooks.onErrorDropped(dropped::add);
        try {
            service.set(task(1, TaskStatus.RUNNING, 0));
            IllegalStateException boom = new IllegalStateException("onSubscribe failed");
            Probe thrower = new Probe(s -> {
                s.request(Long.MAX_VALUE);
                throw boom;
            });
            engine.watch(A, 1, options()).subscribe(thrower);
            assertThat(operatorErrors).containsExactly(boom);
            assertThat(dropped).containsExactly(boom);
            assertThat(Scannable.from(thrower.subscription).scan(Attr.CANCELLED)).isTrue();
            advance(Duration.ofMinutes(1));
            assertThat(thrower.signals).isEmpty();
            assertThat(service.calls).isEmpty();
            assertThat(listener.started.get()).isEqualTo(1);
            assertNothingRunning();
        } finally {
            Hooks.resetOnOperatorError("watch-test");
            Hooks.resetOnErrorDropped();
        }
    }

    @Test
    void aSubscriberThatCancelsInOnSubscribeNeverJoinsALoop() {
        service.set(task(1, TaskStatus.RUNNING, 0));
        Probe quitter = new Probe(s -> {
            s.request(1);
            s.cancel();
        });
        engine.watch(A, 1, options()).subscribe(quitter);
        advance(Duration.ofMinutes(1));
        assertThat(service.calls).isEmpty();
        assertThat(quitter.signals).isEmpty();
        assertThat(listener.started.get()).isEqualTo(1);
        assertNothingRunning();
    }

    // ---- the cap ----

    @Test
    void aWatchBeyondMaxWatchesFailsFastAfterOnSubscribeWithNothingRegisteredOrSent() {
        engine = engine(100, 2);
        service.set(task(1, TaskStatus.RUNNING, 0));
        service.set(task(2, TaskStatus.RUNNING, 0));
        TestSubscriber<TaskInfo> first = TestSubscriber.create();
        TestSubscriber<TaskInfo> second = TestSubscriber.create();
        engine.watch(A, 1, options()).subscribe(first);
        // Subscribers count, not tasks: a second subscriber of the same task takes the second place.
        engine.watch(A, 1, options()).subscribe(second);
        int calls = service.calls.size();

        StepVerifier.create(engine.watch(A, 2, options()))
                .expectSubscription()
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(DbbrainCapacityException.class).hasMessageContaining("maxWatches")
                            .hasMessageContaining("task 2 on " + A);
                    DbbrainCapacityException ce = (DbbrainCapacityException) e;
                    assertThat(ce.limitName()).isEqualTo("maxWatches");
                    assertThat(ce.limit()).isEqualTo(2);
                    assertThat(ce.category()).isEqualTo(ErrorCategory.REJECTED);
                    assertThat(ce.isRetryable()).isFalse();
                    assertThat(ce.action()).isNull();
                })
                .verify(Duration.ofSeconds(5));
        assertThat(listener.rejected.get()).isEqualTo(1);
        assertThat(listener.started.get()).isEqualTo(2);
        assertThat(engine.state().subscribers()).isEqualTo(2);
        assertThat(engine.state().tasks()).isEqualTo(1);
        assertThat(service.calls).hasSize(calls);

        // An ended watch gives its place back.
        second.cancel();
        TestSubscriber<TaskInfo> third = TestSubscriber.create();
        engine.watch(A, 2, options()).subscribe(third);
        assertThat(states(third)).containsExactly("running:0");
        first.cancel();
        third.cancel();
        assertNothingRunning();
    }

    @Test
    void watchesThatCompleteOrFailGiveTheirPlaceBack() {
        engine = engine(100, 1);
        service.set(task(1, TaskStatus.FINISHED, 100));
        StepVerifier.create(engine.watch(A, 1, options())).expectNextCount(1).verifyComplete();
        StepVerifier.create(engine.watch(A, 2, options().notFoundGrace(Duration.ofSeconds(1))))
                .then(() -> advance(Duration.ofSeconds(1)))
                .expectError(DbbrainWatchException.class)
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(engine.watch(A, 1, options())).expectNextCount(1).verifyComplete();
        assertThat(listener.rejected.get()).isZero();
        assertNothingRunning();
    }

    // ---- Scannable ----

    @Test
    void theWatchReportsItselfAsAnAsynchronousSourceOnItsScheduler() {
        Flux<TaskInfo> watch = engine.watch(A, 1, options());
        Scannable scannable = Scannable.from(watch);
        assertThat(scannable.isScanAvailable()).isTrue();
        assertThat(scannable.scan(Attr.RUN_STYLE)).isEqualTo(Attr.RunStyle.ASYNC);
        // RUN_ON converts to a Scannable, which a VirtualTimeScheduler is not: read it unconverted.
        assertThat(scannable.scanUnsafe(Attr.RUN_ON)).isSameAs(time);
        assertThat(parents(scannable)).isEmpty();
        assertThat(scannable.scan(Attr.ACTUAL)).isNull();
        assertThat(scannable.stepName()).isEqualTo("source(DbbrainWatch)");
        // Operators downstream find it as their source.
        assertThat(parents(Scannable.from(watch.map(TaskInfo::progress)))).containsExactly(scannable);
    }

    @Test
    void theSubscriptionReportsItsSubscriberDemandStateAndSharedLoop() {
        service.set(task(1, TaskStatus.RUNNING, 0));
        Probe subscriber = new Probe(s -> {
        });
        engine.watch(A, 1, options()).subscribe(subscriber);
        Scannable subscription = Scannable.from(subscriber.subscription);
        assertThat(subscription.isScanAvailable()).isTrue();
        assertThat(subscription.scanUnsafe(Attr.ACTUAL)).isSameAs(subscriber);
        assertThat(subscription.scan(Attr.REQUESTED_FROM_DOWNSTREAM)).isZero();
        assertThat(subscription.scan(Attr.CANCELLED)).isFalse();
        assertThat(subscription.scan(Attr.TERMINATED)).isFalse();
        assertThat(subscription.scan(Attr.RUN_STYLE)).isEqualTo(Attr.RunStyle.ASYNC);
        assertThat(subscription.scanUnsafe(Attr.RUN_ON)).isSameAs(time);
        Scannable loop = subscription.scan(Attr.PARENT);
        assertThat(loop.isScanAvailable()).isTrue();
        assertThat(loop.scan(Attr.TERMINATED)).isFalse();
        assertThat(parents(subscription)).containsExactly(loop);

        subscriber.subscription.request(5);
        assertThat(subscription.scan(Attr.REQUESTED_FROM_DOWNSTREAM)).isEqualTo(4);
        service.set(task(1, TaskStatus.FINISHED, 100));
        advance(Duration.ofSeconds(1));
        assertThat(subscription.scan(Attr.TERMINATED)).isTrue();
        assertThat(loop.scan(Attr.TERMINATED)).isTrue();
        assertThat(subscription.scan(Attr.CANCELLED)).isFalse();

        Probe other = new Probe(s -> {
        });
        engine.watch(B, 2, options()).subscribe(other);
        other.subscription.cancel();
        assertThat(Scannable.from(other.subscription).scan(Attr.CANCELLED)).isTrue();
        assertNothingRunning();
    }

    /** DescribeProxySessionKillTasks as a function: states set by the test, answered after a virtual latency. */
    static final class FakeService implements BiFunction<String, List<Long>, Mono<List<TaskInfo>>> {

        record Call(String instanceId, List<Long> ids) {
        }

        private final VirtualTimeScheduler time;
        private final Map<Long, TaskInfo> states = new HashMap<>();
        final List<Call> calls = new ArrayList<>();
        int cancelled;
        Duration latency = Duration.ZERO;
        Throwable failure;

        FakeService(VirtualTimeScheduler time) {
            this.time = time;
        }

        void set(TaskInfo info) {
            states.put(info.asyncRequestId(), info);
        }

        void forget(long id) {
            states.remove(id);
        }

        @Override
        public Mono<List<TaskInfo>> apply(String instanceId, List<Long> ids) {
            return Mono.defer(() -> {
                calls.add(new Call(instanceId, List.copyOf(ids)));
                Mono<List<TaskInfo>> answer = Mono.defer(() -> failure != null ? Mono.error(failure)
                        : Mono.just(ids.stream().filter(states::containsKey).map(states::get).toList()));
                return latency.isZero() ? answer : Mono.delay(latency, time).then(answer);
            }).doOnCancel(() -> cancelled++);
        }
    }

    /** A subscriber that records its signals and keeps its subscription, doing in onSubscribe what it is told. */
    static final class Probe implements CoreSubscriber<TaskInfo> {
        private final Consumer<Subscription> onSubscribe;
        final List<String> signals = new ArrayList<>();
        Subscription subscription;
        Throwable error;

        Probe(Consumer<Subscription> onSubscribe) {
            this.onSubscribe = onSubscribe;
        }

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            onSubscribe.accept(s);
        }

        @Override
        public void onNext(TaskInfo t) {
            signals.add(t.status());
        }

        @Override
        public void onError(Throwable t) {
            error = t;
            signals.add("error");
        }

        @Override
        public void onComplete() {
            signals.add("complete");
        }
    }

    /** Counts what the engine tells its listener. */
    static final class CountingListener extends DbbrainEventListener {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger ended = new AtomicInteger();
        final AtomicInteger rejected = new AtomicInteger();
        final AtomicInteger updates = new AtomicInteger();

        @Override
        public void watchStarted() {
            started.incrementAndGet();
        }

        @Override
        public void watchEnded() {
            ended.incrementAndGet();
        }

        @Override
        public void watchRejected() {
            rejected.incrementAndGet();
        }

        @Override
        public void watchUpdated(TaskStatus status) {
            updates.incrementAndGet();
        }
    }
}
