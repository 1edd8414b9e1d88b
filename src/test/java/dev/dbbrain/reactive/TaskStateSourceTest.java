package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.TaskStateSource.Answer;
import dev.dbbrain.reactive.TaskStateSource.Round;
import dev.dbbrain.reactive.WatchPolicy.Outcome;
import dev.dbbrain.reactive.WatchPolicy.Reported;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.subscriber.TestSubscriber;

/**
 * The seam between the watch engine and where states come from: a scripted source that is no Describe call (as the
 * fleet's, which answers some tasks from Redis and skips the ones another replica polls) drives the same engine, and
 * the engine applies the same rules to whatever it answers.
 */
class TaskStateSourceTest {

    private static final String A = "crs-source01";

    private final VirtualEngine world = new VirtualEngine();
    private final VirtualTimeScheduler time = world.time;
    private final ScriptedSource source = new ScriptedSource();
    private WatchEngine engine = world.engine(source, 100, 1000);

    @AfterEach
    void tearDown() {
        world.close();
    }

    private static List<Long> progress(TestSubscriber<TaskInfo> s) {
        return s.getReceivedOnNext().stream().map(TaskInfo::progress).toList();
    }

    /** Answers each round with the outcome the test set per task (skipped by default), or as the test scripts it. */
    static final class ScriptedSource implements TaskStateSource {
        final List<Round> rounds = new ArrayList<>();
        final Map<Long, Outcome> outcomes = new HashMap<>();
        Function<Round, Mono<Answer>> script;
        int cancelled;

        @Override
        public Mono<Answer> poll(Round round) {
            return Mono.defer(() -> {
                rounds.add(round);
                if (script != null) {
                    return script.apply(round);
                }
                Map<Long, Outcome> now = Map.copyOf(outcomes);
                return Mono.just((Answer) id -> now.getOrDefault(id, Outcome.SKIPPED));
            }).doOnCancel(() -> cancelled++);
        }
    }

    @Test
    void aRoundCarriesTheInstanceUpToMaxBatchOfItsDueTasksAndTheWatchesScheduler() {
        engine = world.engine(source, 2, 1000);
        List<TestSubscriber<TaskInfo>> watchers = new ArrayList<>();
        time.schedule(() -> {
            for (long id = 1; id <= 3; id++) {
                TestSubscriber<TaskInfo> s = TestSubscriber.create();
                engine.watch(A, id, world.options()).subscribe(s);
                watchers.add(s);
            }
        });
        assertThat(source.rounds).extracting(Round::instanceId).containsOnly(A);
        assertThat(source.rounds).extracting(Round::taskIds).containsExactly(List.of(1L, 2L), List.of(3L));
        assertThat(source.rounds).extracting(Round::scheduler).containsOnly(time);
        watchers.forEach(TestSubscriber::cancel);
    }

    @Test
    void theEngineAppliesThePolicyToEachTaskOfAMixedAnswer() {
        TestSubscriber<TaskInfo> one = TestSubscriber.create();
        TestSubscriber<TaskInfo> two = TestSubscriber.create();
        TestSubscriber<TaskInfo> three = TestSubscriber.create();
        source.outcomes.put(1L, new Reported(VirtualEngine.task(A, 1, TaskStatus.RUNNING, 50)));
        source.outcomes.put(3L, Outcome.NOT_REPORTED);
        time.schedule(() -> {
            engine.watch(A, 1, world.options()).subscribe(one);
            engine.watch(A, 2, world.options()).subscribe(two);
            engine.watch(A, 3, world.options().notFoundGrace(Duration.ZERO)).subscribe(three);
        });
        assertThat(source.rounds).hasSize(1);
        assertThat(progress(one)).containsExactly(50L);
        // Skipped: nothing learnt, nothing emitted, the watch goes on.
        assertThat(two.getReceivedOnNext()).isEmpty();
        assertThat(two.isTerminated()).isFalse();
        assertThat(three.expectTerminalError()).isInstanceOfSatisfying(DbbrainWatchException.class,
                e -> assertThat(e.reason()).isEqualTo(DbbrainWatchException.Reason.NOT_FOUND));

        // An older state from the source is filtered as one from the service would be; a terminal one ends the watch.
        source.outcomes.put(1L, new Reported(VirtualEngine.task(A, 1, TaskStatus.RUNNING, 10)));
        source.outcomes.put(2L, new Reported(VirtualEngine.task(A, 2, TaskStatus.FINISHED, 100)));
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(progress(one)).containsExactly(50L);
        assertThat(progress(two)).containsExactly(100L);
        assertThat(two.isTerminatedComplete()).isTrue();
        one.cancel();
        assertThat(engine.state().tasks()).isZero();
    }

    @Test
    void anErrorOfTheSourceIsTheOutcomeOfEveryTaskOfItsRound() {
        TestSubscriber<TaskInfo> one = TestSubscriber.create();
        TestSubscriber<TaskInfo> two = TestSubscriber.create();
        source.script = round -> Mono.error(new DbbrainCapacityException("DescribeProxySessionKillTasks", "maxQueued",
                10, "full"));
        time.schedule(() -> {
            engine.watch(A, 1, world.options()).subscribe(one);
            engine.watch(A, 2, world.options()).subscribe(two);
        });
        time.advanceTimeBy(Duration.ofSeconds(2));
        // Three rounds skipped, each a second apart: nothing was sent, nothing is lost.
        assertThat(source.rounds).hasSize(3);
        assertThat(List.of(one, two)).allSatisfy(s -> assertThat(s.isTerminated()).isFalse());

        DbbrainApiException auth = new DbbrainApiException("DescribeProxySessionKillTasks",
                "AuthFailure.SignatureFailure", "bad signature", "req-1");
        source.script = round -> Mono.error(auth);
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(List.of(one, two)).allSatisfy(s -> assertThat(s.expectTerminalError())
                .isInstanceOfSatisfying(DbbrainWatchException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DbbrainWatchException.Reason.POLL_FAILED);
                    assertThat(e.getCause()).isSameAs(auth);
                }));
        assertThat(engine.state()).extracting(WatchEngine.WatchState::tasks, WatchEngine.WatchState::requestsInFlight)
                .containsExactly(0, 0);
    }

    @Test
    void cancellingTheLastSubscriberCancelsTheRoundInFlight() {
        source.script = round -> Mono.never();
        TestSubscriber<TaskInfo> watcher = TestSubscriber.create();
        engine.watch(A, 1, world.options()).subscribe(watcher);
        assertThat(engine.state().requestsInFlight()).isEqualTo(1);
        watcher.cancel();
        assertThat(source.cancelled).isEqualTo(1);
        assertThat(engine.state().requestsInFlight()).isZero();
    }

    @Test
    void aSourceThatCompletesWithoutAnAnswerFailsItsWatchesInsteadOfLeavingThemHanging() {
        source.script = round -> Mono.empty();
        TestSubscriber<TaskInfo> watcher = TestSubscriber.create();
        engine.watch(A, 1, world.options()).subscribe(watcher);
        assertThat(watcher.expectTerminalError()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("without an answer");
        assertThat(engine.state()).extracting(WatchEngine.WatchState::tasks, WatchEngine.WatchState::requestsInFlight,
                WatchEngine.WatchState::subscribers).containsExactly(0, 0, 0);
    }

    @Test
    void theDescribeSourceReportsEachTaskOfTheAnswerAndNoneOfTheOthers() {
        TaskInfo one = VirtualEngine.task(A, 1, TaskStatus.RUNNING, 5);
        Answer answer = DescribeSource.answer(List.of(one, VirtualEngine.task(A, 3, TaskStatus.CREATED, 0)));
        assertThat(answer.outcome(1)).isEqualTo(new Reported(one));
        assertThat(answer.outcome(2)).isSameAs(Outcome.NOT_REPORTED);
        assertThat(DescribeSource.answer(List.of()).outcome(1)).isSameAs(Outcome.NOT_REPORTED);

        List<Object> asked = new ArrayList<>();
        DescribeSource describe = new DescribeSource((instance, ids) -> {
            asked.add(instance);
            asked.add(ids);
            return Mono.just(List.of(one));
        });
        Answer polled = describe.poll(new Round(A, List.of(1L, 2L), time)).block(Duration.ofSeconds(1));
        assertThat(asked).containsExactly(A, List.of(1L, 2L));
        assertThat(polled.outcome(1)).isEqualTo(new Reported(one));
        assertThat(TaskStateSource.Answer.failed(new DbbrainCapacityException(null, "maxQueued", 1, "full"))
                .outcome(7)).isSameAs(Outcome.SKIPPED);
    }
}
