package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.ratelimit.RateLimiterState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.subscriber.TestSubscriber;

/**
 * The watch engine wired to the client, in virtual time against the emulator: intervals, deadline, not-found grace,
 * demand, conflation, sharing, late subscribers, batching, cancellation and the cap on watches. The engine's logic
 * alone, on a scripted Describe function, is {@code WatchEngineTest}. Emulator tasks have 3 proxies and a 10 s step:
 * created [0, 10), chosen [10, 20), running 0/3 [20, 30), 1/3 [30, 40), 2/3 [40, 50), finished from 50 s.
 */
class WatchEngineIT {

    private static final String INSTANCE = "crs-watch001";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private VirtualWorld world;

    private VirtualWorld world(UnaryOperator<dev.dbbrain.reactive.emulator.DbbrainEmulator.Builder> emulator,
            UnaryOperator<DbbrainClient.Builder> client) {
        world = new VirtualWorld(emulator, client);
        return world;
    }

    private VirtualWorld world() {
        return world(e -> e, c -> c);
    }

    @AfterEach
    void close() {
        if (world != null) {
            world.close();
        }
    }

    private static List<String> states(List<TaskInfo> infos) {
        return infos.stream().map(t -> t.status() + ":" + t.progress()).toList();
    }

    @Test
    void emitsTheFirstStateThenEveryChangeAndCompletesAfterTheTerminalOne() {
        VirtualWorld w = world();
        long id = w.create(INSTANCE);
        TestSubscriber<TaskInfo> watcher = TestSubscriber.create();
        w.client.watch(INSTANCE, id, w.options()).subscribe(watcher);
        w.advance(Duration.ofSeconds(60));
        w.awaitEnd(watcher);
        assertThat(watcher.isTerminatedComplete()).isTrue();
        assertThat(states(watcher.getReceivedOnNext()))
                .containsExactly("created:0", "chosen:0", "running:0", "running:33", "running:66", "finished:100");
        // One poll a second from 0 s to 50 s, when the task finished: 51, plus the Create.
        assertThat(w.requests()).isEqualTo(1 + 51);
        assertThat(w.client.stats().watchedTasks()).isZero();
        assertThat(w.client.stats().timers()).isZero();
    }

    @Test
    void theDeadlineEndsTheWatchWithTheLastStateSeen() {
        VirtualWorld w = world(e -> e.stepDuration(Duration.ofHours(1)), c -> c);
        long id = w.create(INSTANCE);
        StepVerifier.withVirtualTime(() -> w.client.watch(INSTANCE, id, w.options().deadline(Duration.ofSeconds(5))),
                        () -> w.time, Long.MAX_VALUE)
                .assertNext(t -> assertThat(t.status()).isEqualTo("created"))
                .then(() -> w.advance(Duration.ofSeconds(5)))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(DbbrainWatchException.class).hasMessageContaining("deadline");
                    DbbrainWatchException we = (DbbrainWatchException) e;
                    assertThat(we.reason()).isEqualTo(DbbrainWatchException.Reason.DEADLINE);
                    assertThat(we.lastSeen()).map(TaskInfo::status).contains("created");
                    assertThat(we.asyncRequestId()).isEqualTo(id);
                })
                .verify(WAIT);
        w.settle();
        assertThat(w.client.stats().watchedTasks()).isZero();
    }

    @Test
    void aTaskNotFoundWithinTheGracePeriodIsATypedError() {
        VirtualWorld w = world();
        StepVerifier.withVirtualTime(() -> w.client.watch(INSTANCE, 999,
                        w.options().notFoundGrace(Duration.ofSeconds(3))), () -> w.time, Long.MAX_VALUE)
                .then(() -> w.advance(Duration.ofSeconds(4)))
                .expectErrorSatisfies(e -> {
                    DbbrainWatchException we = (DbbrainWatchException) e;
                    assertThat(we.reason()).isEqualTo(DbbrainWatchException.Reason.NOT_FOUND);
                    assertThat(we.lastSeen()).isEmpty();
                })
                .verify(WAIT);
        // Looked for at 0, 1, 2 and 3 s.
        assertThat(w.describes()).isEqualTo(4);
    }

    @Test
    void aTaskThatAppearsWithinTheGracePeriodIsWatchedNormally() {
        VirtualWorld w = world();
        long next = 14672492L;
        TestSubscriber<TaskInfo> watcher = TestSubscriber.create();
        w.client.watch(INSTANCE, next, w.options()).subscribe(watcher);
        w.advance(Duration.ofSeconds(3));
        assertThat(w.create(INSTANCE)).isEqualTo(next);
        w.advance(Duration.ofSeconds(60));
        w.awaitEnd(watcher);
        assertThat(watcher.isTerminatedComplete()).isTrue();
        assertThat(watcher.getReceivedOnNext()).last().extracting(TaskInfo::status).isEqualTo("finished");
    }

    @Test
    void aSubscriberThatRequestedNothingCausesNoRequest() {
        VirtualWorld w = world();
        long id = w.create(INSTANCE);
        TestSubscriber<TaskInfo> idle = TestSubscriber.builder().initialRequest(0).build();
        w.client.watch(INSTANCE, id, w.options()).subscribe(idle);
        w.advance(Duration.ofSeconds(120));
        assertThat(w.describes()).isZero();
        assertThat(idle.getReceivedOnNext()).isEmpty();
        idle.cancel();
        assertThat(w.client.stats().watchedTasks()).isZero();
    }

    @Test
    void oneItemRequestedPerVirtualMinuteCostsOneRequestPerMinute() {
        VirtualWorld w = world(e -> e.stepDuration(Duration.ofMinutes(1)), c -> c);
        long id = w.create(INSTANCE);
        TestSubscriber<TaskInfo> slow = TestSubscriber.builder().initialRequest(0).build();
        w.client.watch(INSTANCE, id, w.options()).subscribe(slow);
        for (int minute = 0; minute < 6; minute++) {
            slow.request(1);
            w.settle();
            assertThat(w.describes()).as("requests after minute %d", minute).isEqualTo(minute + 1);
            w.advance(Duration.ofMinutes(1), Duration.ofSeconds(5));
        }
        w.awaitEnd(slow);
        assertThat(states(slow.getReceivedOnNext()))
                .containsExactly("created:0", "chosen:0", "running:0", "running:33", "running:66", "finished:100");
        assertThat(slow.isTerminatedComplete()).isTrue();
    }

    @Test
    void aSlowSubscriberGetsTheLatestStateButNeverMissesTheTerminalOne() {
        VirtualWorld w = world();
        long id = w.create(INSTANCE);
        TestSubscriber<TaskInfo> slow = TestSubscriber.builder().initialRequest(1).build();
        TestSubscriber<TaskInfo> fast = TestSubscriber.create();
        w.client.watch(INSTANCE, id, w.options()).subscribe(slow);
        w.client.watch(INSTANCE, id, w.options()).subscribe(fast);
        w.advance(Duration.ofSeconds(35));
        slow.request(1);
        w.advance(Duration.ofSeconds(30));
        slow.request(1);
        w.awaitEnd(slow, fast);
        assertThat(states(slow.getReceivedOnNext())).containsExactly("created:0", "running:33", "finished:100");
        assertThat(slow.isTerminatedComplete()).isTrue();
        assertThat(fast.getReceivedOnNext()).hasSize(6);
    }

    @Test
    void tenSubscribersCostWhatOneCosts() {
        VirtualWorld alone = world();
        long id = alone.create(INSTANCE);
        TestSubscriber<TaskInfo> single = TestSubscriber.create();
        alone.client.watch(INSTANCE, id, alone.options()).subscribe(single);
        alone.advance(Duration.ofSeconds(60));
        long oneCosts = alone.describes();
        alone.close();

        VirtualWorld w = world();
        long shared = w.create(INSTANCE);
        List<TestSubscriber<TaskInfo>> watchers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            TestSubscriber<TaskInfo> s = TestSubscriber.create();
            w.client.watch(INSTANCE, shared, w.options()).subscribe(s);
            watchers.add(s);
        }
        assertThat(w.client.stats().watchedTasks()).isEqualTo(1);
        w.advance(Duration.ofSeconds(60));
        assertThat(w.describes()).isEqualTo(oneCosts);
        w.awaitEnd(watchers.toArray(TestSubscriber[]::new));
        for (TestSubscriber<TaskInfo> s : watchers) {
            assertThat(s.isTerminatedComplete()).isTrue();
            assertThat(states(s.getReceivedOnNext())).isEqualTo(states(single.getReceivedOnNext()));
        }
    }

    @Test
    void aLateSubscriberFirstGetsTheLatestKnownStateWithoutANewRequest() {
        VirtualWorld w = world(e -> e, c -> c);
        long id = w.create(INSTANCE);
        TestSubscriber<TaskInfo> early = TestSubscriber.create();
        w.client.watch(INSTANCE, id, w.options().pollInterval(Duration.ofSeconds(4))).subscribe(early);
        w.advance(Duration.ofSeconds(25));
        long before = w.describes();
        TestSubscriber<TaskInfo> late = TestSubscriber.builder().initialRequest(1).build();
        w.client.watch(INSTANCE, id, w.options().pollInterval(Duration.ofSeconds(4))).subscribe(late);
        w.settle();
        assertThat(states(late.getReceivedOnNext())).containsExactly("running:0");
        assertThat(w.describes()).isEqualTo(before);
        early.cancel();
        late.cancel();
    }

    @Test
    void aSubscriberArrivingShortlyAfterTheEndGetsTheFinalStateWithoutARequest() {
        VirtualWorld w = world();
        long id = w.create(INSTANCE);
        StepVerifier.create(w.client.watch(INSTANCE, id, w.options()).last())
                .then(() -> w.advance(Duration.ofSeconds(60)))
                .assertNext(t -> assertThat(t.status()).isEqualTo("finished"))
                .verifyComplete();
        long before = w.describes();
        w.advance(Duration.ofSeconds(10));
        StepVerifier.create(w.client.watch(INSTANCE, id, w.options()))
                .assertNext(t -> assertThat(t.status()).isEqualTo("finished"))
                .verifyComplete();
        assertThat(w.describes()).isEqualTo(before);
        // Nothing stays registered for it: no instance poller, no loop, no timer.
        assertThat(w.client.stats()).extracting(ClientStats::watchedInstances, ClientStats::watchedTasks,
                ClientStats::timers, ClientStats::pollsInFlight).containsExactly(0, 0, 0, 0);
    }

    @Test
    void hundredTasksOnOneInstanceArePolledInBatchesOfMaxBatch() {
        VirtualWorld w = world(e -> e.stepDuration(Duration.ofHours(1)), c -> c.maxBatch(30));
        List<TestSubscriber<TaskInfo>> watchers = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add(w.create(INSTANCE));
        }
        // Subscribed within one task of the virtual scheduler, as a burst of subscriptions between two timer ticks.
        w.time.schedule(() -> {
            for (long id : ids) {
                TestSubscriber<TaskInfo> s = TestSubscriber.create();
                w.client.watch(INSTANCE, id, w.options()).subscribe(s);
                watchers.add(s);
            }
        });
        w.settle();
        long firstRound = w.describes();
        // ceil(100 / 30) = 4 requests a round, from the first round on.
        assertThat(firstRound).isEqualTo(4);
        w.advance(Duration.ofSeconds(10), Duration.ofSeconds(1));
        assertThat(w.describes() - firstRound).isEqualTo(10 * 4);
        assertThat(watchers).allSatisfy(s -> assertThat(s.getReceivedOnNext()).hasSize(1));
        watchers.forEach(TestSubscriber::cancel);
        assertThat(w.client.stats().watchedTasks()).isZero();
    }

    @Test
    void watchesSubscribedAfterAnotherOnTheInstanceJoinItsRoundsInsteadOfAlternatingWithThem() {
        // One permit every 10 s. The first watch's round goes out at once; nine more watches subscribe just after
        // and their round waits for the next permit. From then on every round must carry all ten, so every task
        // sees its end (30 s after creation) at the round of 30 s. Groups alternating round after round (each
        // polled every other round) would leave the first task to see it at 40 s.
        // Unlimited while the tasks are created, then the slow bucket, which needs the world's scheduler.
        RateLimiter[] limiter = {RateLimiter.unlimited()};
        RateLimiter lazy = new RateLimiter() {
            @Override
            public Mono<Void> acquire(String action) {
                return limiter[0].acquire(action);
            }

            @Override
            public RateLimiterState state(String action) {
                return limiter[0].state(action);
            }
        };
        VirtualWorld w = world(e -> e.proxies(1), c -> c.rateLimiter(lazy));
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(w.create(INSTANCE));
        }
        limiter[0] = RateLimiter.builder().permitsPerSecond(0.1).burst(1).scheduler(w.time).build();
        List<TestSubscriber<TaskInfo>> watchers = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            watchers.add(TestSubscriber.create());
        }
        w.time.schedule(() -> w.client.watch(INSTANCE, ids.get(0), w.options()).subscribe(watchers.get(0)));
        w.settle();
        assertThat(w.describes()).isEqualTo(1);
        w.time.schedule(() -> {
            for (int i = 1; i < ids.size(); i++) {
                w.client.watch(INSTANCE, ids.get(i), w.options()).subscribe(watchers.get(i));
            }
        });
        // Rounds wait for permits, so a poll is mostly "in flight": step by step, waiting for the Describe of each
        // permit (t = 10, 20, 30 s) to be handled, then in real time for the watches to end.
        for (int second = 1; second <= 35; second++) {
            w.time.advanceTimeBy(Duration.ofSeconds(1));
            if (second % 10 == 0) {
                w.awaitDescribes(1 + second / 10);
                if (second < 30) {
                    w.settle();   // handled, the next round only scheduled: nothing waits for a permit now
                }
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!watchers.stream().allMatch(TestSubscriber::isTerminated) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        assertThat(watchers).allSatisfy(s -> {
            assertThat(s.isTerminated()).isTrue();
            List<TaskInfo> seen = s.getReceivedOnNext();
            assertThat(seen.get(seen.size() - 1).status()).isEqualTo("finished");
        });
        assertThat(w.describes()).isEqualTo(4);
    }

    @Test
    void cancellingTheLastSubscriberStopsTheLoopAndItsRequestInFlight() {
        // The emulator's latency runs on virtual time: the first poll stays in flight until the test advances it.
        VirtualWorld w = world(e -> e.latency(Duration.ofSeconds(30)), c -> c);
        long id = 14672492L;
        TestSubscriber<TaskInfo> a = TestSubscriber.create();
        TestSubscriber<TaskInfo> b = TestSubscriber.create();
        w.client.watch(INSTANCE, id, w.options()).subscribe(a);
        w.client.watch(INSTANCE, id, w.options()).subscribe(b);
        w.awaitDescribes(1);
        assertThat(w.client.stats().pollsInFlight()).isEqualTo(1);
        a.cancel();
        assertThat(w.client.stats().pollsInFlight()).isEqualTo(1);
        b.cancel();
        ClientStats stats = w.client.stats();
        assertThat(stats.pollsInFlight()).isZero();
        assertThat(stats.watchedTasks()).isZero();
        assertThat(stats.watchedInstances()).isZero();
        assertThat(stats.timers()).isZero();
        long sent = w.requests();
        w.advance(Duration.ofSeconds(120), Duration.ofSeconds(10));
        assertThat(w.requests()).isEqualTo(sent);
    }

    @Test
    void cancellingAThousandWatchesMidFlightLeavesNothingBehind() {
        // Latency on virtual time: every first poll stays in flight until the test advances the clock.
        VirtualWorld w = world(e -> e.latency(Duration.ofSeconds(5)), c -> c.maxBatch(25));
        List<TestSubscriber<TaskInfo>> watchers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            TestSubscriber<TaskInfo> s = TestSubscriber.create();
            w.client.watch(String.format("crs-many%04d", i % 10), 14672492L + i, w.options()).subscribe(s);
            watchers.add(s);
        }
        // One round per instance in flight: each instance's first subscriber started one, the other 99 wait for it.
        w.awaitDescribes(10);
        assertThat(w.client.stats().pollsInFlight()).isEqualTo(10);
        assertThat(w.client.stats().watchedTasks()).isEqualTo(1000);
        watchers.forEach(TestSubscriber::cancel);
        assertThat(w.client.stats()).extracting(ClientStats::watchedInstances, ClientStats::watchedTasks,
                ClientStats::timers, ClientStats::pollsInFlight).containsExactly(0, 0, 0, 0);
        // Cancelling one by one let the remaining subscribers of an instance start rounds of their own, each cancelled
        // in turn; once all are gone nothing more is sent, whatever the clock does.
        long sent = w.requests();
        w.advance(Duration.ofSeconds(30), Duration.ofSeconds(5));
        assertThat(w.requests()).isEqualTo(sent);
        // And nothing more arrives: the emulator receives at most what was sent before the cancellations (a request
        // already on the wire may be counted by it a moment later; one cancelled before its write never arrives).
        assertThat(w.describes()).isLessThanOrEqualTo(sent);
        assertThat(w.client.stats().pollsInFlight()).isZero();
        assertThat(watchers).allSatisfy(s -> assertThat(s.isTerminated()).isFalse());
    }

    @Test
    void cancellingAThousandWatchesWaitingForPermitsGivesEveryPlaceBack() {
        VirtualWorld w = world();
        // A limiter on the virtual clock: the first request of the burst goes out, the others wait for permits.
        RateLimiter limiter = RateLimiter.builder().permitsPerSecond(2).burst(1).scheduler(w.time).build();
        String action = "DescribeProxySessionKillTasks";
        try (DbbrainClient client = DbbrainClient.builder().endpoint(w.emulator.endpoint())
                .credentials(Credentials.of(VirtualWorld.ID, VirtualWorld.KEY)).clock(w.clock).scheduler(w.time)
                .rateLimiter(limiter).maxBatch(10).build()) {
            List<TestSubscriber<TaskInfo>> watchers = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                TestSubscriber<TaskInfo> s = TestSubscriber.create();
                client.watch(String.format("crs-wait%04d", i % 100), 14672492L + i, w.options()).subscribe(s);
                watchers.add(s);
            }
            // One round per instance wanted; the first instance's round, of its first task only, took the one
            // permit there is and was answered, and the round of its other nine tasks then queued behind the 99
            // others: 100 waiting, none granted until the clock moves.
            w.awaitDescribes(1);
            awaitQueued(limiter, action, 100);
            assertThat(client.stats().pollsInFlight()).isEqualTo(100);
            watchers.forEach(TestSubscriber::cancel);
            assertThat(limiter.state(action).queued()).isZero();
            assertThat(client.stats()).extracting(ClientStats::watchedInstances, ClientStats::watchedTasks,
                    ClientStats::timers, ClientStats::pollsInFlight).containsExactly(0, 0, 0, 0);
            long granted = limiter.state(action).granted();
            long received = w.describes();
            // Ten virtual minutes: permits accrue, but nobody is left to take one, and nothing reaches the emulator.
            w.time.advanceTimeBy(Duration.ofMinutes(10));
            assertThat(limiter.state(action).granted()).isEqualTo(granted);
            assertThat(limiter.state(action).queued()).isZero();
            assertThat(w.describes()).isEqualTo(received);
            assertThat(client.stats().pollsInFlight()).isZero();
        }
    }

    private static void awaitQueued(RateLimiter limiter, String action, int queued) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (limiter.state(action).queued() != queued) {
            assertThat(System.nanoTime()).as("waiting for %d queued, at %d", queued, limiter.state(action).queued())
                    .isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    @Test
    void watchesBeyondMaxWatchesFailFastSendNothingAndAnEndedWatchGivesItsPlaceBack() {
        VirtualWorld w = world(e -> e, c -> c.maxWatches(2));
        long first = w.create(INSTANCE);
        long second = w.create(INSTANCE);
        long third = w.create(INSTANCE);
        TestSubscriber<TaskInfo> a = TestSubscriber.create();
        TestSubscriber<TaskInfo> b = TestSubscriber.create();
        w.client.watch(INSTANCE, first, w.options()).subscribe(a);
        w.client.watch(INSTANCE, second, w.options()).subscribe(b);
        w.settle();
        long describes = w.describes();
        long requests = w.requests();

        StepVerifier.create(w.client.watch(INSTANCE, third, w.options()))
                .expectSubscription()
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(DbbrainCapacityException.class,
                        c -> assertThat(c.limitName()).isEqualTo("maxWatches")))
                .verify(WAIT);
        w.settle();
        assertThat(w.requests()).isEqualTo(requests);
        assertThat(w.describes()).isEqualTo(describes);
        assertThat(w.client.stats()).extracting(ClientStats::watchSubscribers, ClientStats::maxWatches,
                ClientStats::watchedTasks).containsExactly(2, 2, 2);

        a.cancel();
        TestSubscriber<TaskInfo> c = TestSubscriber.create();
        w.client.watch(INSTANCE, third, w.options()).subscribe(c);
        w.settle();
        assertThat(c.getReceivedOnNext()).extracting(TaskInfo::asyncRequestId).containsExactly(third);
        assertThat(w.describes()).isEqualTo(describes + 1);
        b.cancel();
        c.cancel();
        assertThat(w.client.stats().watchSubscribers()).isZero();
    }

    @Test
    void aFailedTaskCompletesNormallyByDefaultOrErrorsWhenAsked() {
        VirtualWorld w = world(e -> e.proxyFailureProbability(1.0), c -> c);
        long id = w.create(INSTANCE);
        TestSubscriber<TaskInfo> lenient = TestSubscriber.create();
        TestSubscriber<TaskInfo> strict = TestSubscriber.create();
        w.client.watch(INSTANCE, id, w.options()).subscribe(lenient);
        w.client.watch(INSTANCE, id, w.options().failedAsError(true)).subscribe(strict);
        w.advance(Duration.ofSeconds(60));
        w.awaitEnd(lenient, strict);
        assertThat(lenient.isTerminatedComplete()).isTrue();
        assertThat(lenient.getReceivedOnNext()).last().extracting(TaskInfo::taskStatus).isEqualTo(TaskStatus.FAILED);
        assertThat(strict.getReceivedOnNext()).last().extracting(TaskInfo::taskStatus).isEqualTo(TaskStatus.FAILED);
        assertThat(strict.expectTerminalError()).isInstanceOfSatisfying(DbbrainWatchException.class,
                e -> assertThat(e.reason()).isEqualTo(DbbrainWatchException.Reason.TASK_FAILED));
    }

    @Test
    void awaitCompletionEmitsOnlyTheTerminalState() {
        VirtualWorld w = world();
        long id = w.create(INSTANCE);
        StepVerifier.create(w.client.awaitCompletion(INSTANCE, id, w.options()))
                .then(() -> w.advance(Duration.ofSeconds(60)))
                .assertNext(t -> assertThat(t.taskStatus()).isEqualTo(TaskStatus.FINISHED))
                .verifyComplete();
    }

    @Test
    void killProxySessionsCreatesOnceThenWatches() {
        VirtualWorld w = world();
        TestSubscriber<TaskInfo> watcher = TestSubscriber.create();
        w.client.killProxySessions(INSTANCE, null, w.options()).subscribe(watcher);
        w.awaitWatchedTasks(1);
        w.advance(Duration.ofSeconds(60));
        w.awaitEnd(watcher);
        assertThat(watcher.isTerminatedComplete()).isTrue();
        assertThat(w.emulator.stats().tasksCreated()).isEqualTo(1);
        assertThat(watcher.getReceivedOnNext()).hasSize(6);
    }

    @Test
    void aNonRetryableErrorEndsTheWatchWithTheCauseAttached() {
        VirtualWorld w = world();
        long id = w.create(INSTANCE);
        try (DbbrainClient wrongKey = DbbrainClient.builder().endpoint(w.emulator.endpoint())
                .credentials(Credentials.of(VirtualWorld.ID, "not-the-key")).clock(w.clock).scheduler(w.time)
                .rateLimiter(RateLimiter.unlimited()).build()) {
            StepVerifier.create(wrongKey.watch(INSTANCE, id, w.options()))
                    .expectErrorSatisfies(e -> {
                        DbbrainWatchException we = (DbbrainWatchException) e;
                        assertThat(we.reason()).isEqualTo(DbbrainWatchException.Reason.POLL_FAILED);
                        assertThat(we.getCause()).isInstanceOf(DbbrainApiException.class);
                        assertThat(we.category()).isEqualTo(ErrorCategory.AUTH);
                        assertThat(we.requestId()).isNotBlank();
                        assertThat(we.lastSeen()).isEmpty();
                    })
                    .verify(WAIT);
            assertThat(wrongKey.stats().retries()).isZero();
        }
    }

    @Test
    void anUnknownInstanceCountsAsNotFound() {
        VirtualWorld w = world();
        StepVerifier.create(w.client.watch("crs-nosuch", 1, w.options().notFoundGrace(Duration.ofSeconds(2))))
                .then(() -> w.advance(Duration.ofSeconds(3)))
                .expectErrorSatisfies(e -> assertThat(((DbbrainWatchException) e).reason())
                        .isEqualTo(DbbrainWatchException.Reason.NOT_FOUND))
                .verify(WAIT);
    }

    @Test
    void invalidArgumentsFailFastNamingTheArgument() {
        VirtualWorld w = world();
        StepVerifier.create(w.client.watch(" ", 1)).expectErrorMessage("instanceId must not be blank").verify(WAIT);
        StepVerifier.create(w.client.killProxySessions(""))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("instanceId")).verify(WAIT);
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> WatchOptions.defaults().jitter(1.0)).withMessageContaining("jitter");
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> WatchOptions.defaults().growth(2, Duration.ofMillis(10)))
                .withMessageContaining("maxInterval");
    }
}
