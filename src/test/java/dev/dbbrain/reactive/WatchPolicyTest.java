package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.dbbrain.reactive.WatchPolicy.Decision;
import dev.dbbrain.reactive.WatchPolicy.Delivery;
import dev.dbbrain.reactive.WatchPolicy.Emit;
import dev.dbbrain.reactive.WatchPolicy.End;
import dev.dbbrain.reactive.WatchPolicy.EndReason;
import dev.dbbrain.reactive.WatchPolicy.Outcome;
import dev.dbbrain.reactive.WatchPolicy.Reported;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every rule of a watch on plain values: no scheduler, no lock, no clock, no engine. The engine's tests
 * ({@code WatchEngineTest}, {@code WatchEngineIT}) prove that it follows these answers.
 */
class WatchPolicyTest {

    private static final WatchOptions DEFAULTS = WatchOptions.defaults();

    private static TaskInfo state(TaskStatus status, long progress) {
        return state(status.wireValue(), progress, List.of("p-1", "p-2"), List.of(), List.of());
    }

    private static TaskInfo state(String status, long progress, List<String> all, List<String> finished,
            List<String> failed) {
        return new TaskInfo(7, "crs-policy01", status, progress, all, all.size(), finished, failed, Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    private static Outcome reported(TaskInfo info) {
        return new Reported(info);
    }

    private static TaskInfo emitted(Decision decision) {
        assertThat(decision).isInstanceOf(Emit.class);
        return ((Emit) decision).state();
    }

    private static End ended(Decision decision) {
        assertThat(decision).isInstanceOf(End.class);
        return (End) decision;
    }

    @Nested
    class ChangeAndRegression {

        @Test
        void theFirstStateSeenIsEmittedWhateverItIsTerminalIncluded() {
            TaskInfo created = state(TaskStatus.CREATED, 0);
            TaskInfo finished = state(TaskStatus.FINISHED, 100);
            assertThat(emitted(WatchPolicy.decide(null, reported(created)))).isSameAs(created);
            assertThat(emitted(WatchPolicy.decide(null, reported(finished)))).isSameAs(finished);
        }

        @Test
        void theSameStateAgainIsNothingNewEvenWithOtherTimes() {
            TaskInfo running = state(TaskStatus.RUNNING, 40);
            TaskInfo sameWithTimes = new TaskInfo(7, "crs-policy01", "running", 40, List.of("p-1", "p-2"), 2,
                    List.of(), List.of(), Optional.of(Instant.EPOCH), Optional.of(Instant.EPOCH), Optional.empty());
            assertThat(WatchPolicy.decide(running, reported(state(TaskStatus.RUNNING, 40)))).isSameAs(Decision.WAIT);
            assertThat(WatchPolicy.decide(running, reported(sameWithTimes))).isSameAs(Decision.WAIT);
        }

        @Test
        void aChangeOfStatusProgressOrAnyProxyListIsEmitted() {
            TaskInfo running = state("running", 40, List.of("p-1", "p-2"), List.of(), List.of());
            assertThat(emitted(WatchPolicy.decide(running, reported(state(TaskStatus.FINISHED, 100)))).status())
                    .isEqualTo("finished");
            assertThat(emitted(WatchPolicy.decide(running, reported(state(TaskStatus.RUNNING, 41)))).progress())
                    .isEqualTo(41);
            TaskInfo moreProxies = state("running", 40, List.of("p-1", "p-2", "p-3"), List.of(), List.of());
            assertThat(WatchPolicy.decide(running, reported(moreProxies))).isInstanceOf(Emit.class);
            assertThat(WatchPolicy.decide(running, reported(
                    state("running", 40, List.of("p-1", "p-2"), List.of("p-1"), List.of())))).isInstanceOf(Emit.class);
            assertThat(WatchPolicy.decide(running, reported(
                    state("running", 40, List.of("p-1", "p-2"), List.of(), List.of("p-2"))))).isInstanceOf(Emit.class);
        }

        @Test
        void aLowerStatusOrALowerProgressInTheSameStatusIsAnOlderReplicaAndIgnored() {
            TaskInfo running = state(TaskStatus.RUNNING, 66);
            assertThat(WatchPolicy.decide(running, reported(state(TaskStatus.CHOSEN, 0)))).isSameAs(Decision.WAIT);
            assertThat(WatchPolicy.decide(running, reported(state(TaskStatus.CREATED, 99)))).isSameAs(Decision.WAIT);
            assertThat(WatchPolicy.decide(running, reported(state(TaskStatus.RUNNING, 65)))).isSameAs(Decision.WAIT);
            // A higher status is progress whatever its figure.
            assertThat(WatchPolicy.decide(running, reported(state(TaskStatus.FAILED, 0)))).isInstanceOf(Emit.class);
            assertThat(WatchPolicy.regresses(running, state(TaskStatus.RUNNING, 65))).isTrue();
            assertThat(WatchPolicy.regresses(running, state(TaskStatus.RUNNING, 66))).isFalse();
        }

        @Test
        void aStatusThisLibraryDoesNotKnowIsNeverARegressionNorRegressedFrom() {
            TaskInfo running = state(TaskStatus.RUNNING, 50);
            TaskInfo paused = state("paused", 10, List.of("p-1", "p-2"), List.of(), List.of());
            assertThat(emitted(WatchPolicy.decide(running, reported(paused))).status()).isEqualTo("paused");
            assertThat(WatchPolicy.decide(paused, reported(state(TaskStatus.CREATED, 0)))).isInstanceOf(Emit.class);
        }

        @Test
        void nothingFollowsATerminalState() {
            TaskInfo finished = state(TaskStatus.FINISHED, 100);
            assertThat(WatchPolicy.decide(finished, reported(state(TaskStatus.FAILED, 100)))).isSameAs(Decision.WAIT);
            assertThat(WatchPolicy.decide(finished, reported(state(TaskStatus.RUNNING, 100)))).isSameAs(Decision.WAIT);
            assertThat(WatchPolicy.decide(state(TaskStatus.FAILED, 100), reported(state("later", 0, List.of(),
                    List.of(), List.of())))).isSameAs(Decision.WAIT);
        }

        @Test
        void onlyAPollThatLearntNothingNewGrowsTheInterval() {
            assertThat(WatchPolicy.unchanged(Decision.WAIT)).isTrue();
            assertThat(WatchPolicy.unchanged(Decision.SKIP)).isFalse();
            assertThat(WatchPolicy.unchanged(new Emit(state(TaskStatus.RUNNING, 1)))).isFalse();
        }
    }

    @Nested
    class NotFoundGrace {

        private final WatchOptions threeSeconds = DEFAULTS.notFoundGrace(Duration.ofSeconds(3));

        @Test
        void aTaskNeverSeenIsLookedForUntilTheGraceIsOverAndThenNotFound() {
            assertThat(WatchPolicy.decide(null, Outcome.NOT_REPORTED)).isSameAs(Decision.WAIT);
            assertThat(WatchPolicy.judgedPerSubscriber(null, Outcome.NOT_REPORTED)).isTrue();
            assertThat(WatchPolicy.decide(null, Outcome.NOT_REPORTED, 0, threeSeconds)).isSameAs(Decision.WAIT);
            assertThat(WatchPolicy.decide(null, Outcome.NOT_REPORTED, 2999, threeSeconds)).isSameAs(Decision.WAIT);
            End end = ended(WatchPolicy.decide(null, Outcome.NOT_REPORTED, 3000, threeSeconds));
            assertThat(end.reason()).isEqualTo(EndReason.NOT_FOUND);
            assertThat(end.reason().watchReason()).isEqualTo(DbbrainWatchException.Reason.NOT_FOUND);
            assertThat(end.cause()).isNull();
            assertThat(end.detail()).contains("not-found grace period of PT3S");
            assertThat(ended(WatchPolicy.decide(null, Outcome.NOT_REPORTED, 60_000, threeSeconds)).reason())
                    .isEqualTo(EndReason.NOT_FOUND);
        }

        @Test
        void aZeroGraceEndsAtTheFirstAnswerWithoutTheTask() {
            assertThat(ended(WatchPolicy.decide(null, Outcome.NOT_REPORTED, 0, DEFAULTS.notFoundGrace(Duration.ZERO)))
                    .reason()).isEqualTo(EndReason.NOT_FOUND);
        }

        @Test
        void aTaskSeenOnceIsNeverNotFoundLaterWhateverTheGrace() {
            TaskInfo seen = state(TaskStatus.RUNNING, 10);
            assertThat(WatchPolicy.judgedPerSubscriber(seen, Outcome.NOT_REPORTED)).isFalse();
            assertThat(WatchPolicy.decide(seen, Outcome.NOT_REPORTED, 3_600_000, threeSeconds))
                    .isSameAs(Decision.WAIT);
        }

        @Test
        void aSkippedRoundIsNoAnswerSoItNeverCountsAsNotFound() {
            assertThat(WatchPolicy.judgedPerSubscriber(null, Outcome.SKIPPED)).isFalse();
            assertThat(WatchPolicy.decide(null, Outcome.SKIPPED, 60_000, threeSeconds)).isSameAs(Decision.SKIP);
        }

        @Test
        void aResourceNotFoundErrorIsAnAnswerThatDoesNotReportTheTask() {
            Outcome outcome = Outcome.ofError(new DbbrainApiException("DescribeProxySessionKillTasks",
                    "ResourceNotFound.InstanceNotFound", "no such instance", "req-1"));
            assertThat(outcome).isSameAs(Outcome.NOT_REPORTED);
            assertThat(Outcome.ofError(new DbbrainApiException("DescribeProxySessionKillTasks", "ResourceNotFound",
                    "none", "req-2"))).isSameAs(Outcome.NOT_REPORTED);
            assertThat(ended(WatchPolicy.decide(null, outcome, 3000, threeSeconds)).reason())
                    .isEqualTo(EndReason.NOT_FOUND);
        }
    }

    @Nested
    class SkippedAndFailedPolls {

        @Test
        void aFullLimiterQueueSentNothingSoTheRoundIsSkippedAndTheWatchGoesOn() {
            Outcome outcome = Outcome.ofError(new DbbrainCapacityException("DescribeProxySessionKillTasks",
                    "maxQueued", 1000, "1000 requests already wait for a permit"));
            assertThat(outcome).isSameAs(Outcome.SKIPPED);
            assertThat(WatchPolicy.decide(state(TaskStatus.RUNNING, 5), outcome)).isSameAs(Decision.SKIP);
            assertThat(WatchPolicy.decide(state(TaskStatus.RUNNING, 5), outcome, 1_000_000, DEFAULTS))
                    .isSameAs(Decision.SKIP);
        }

        @Test
        void anErrorWhoseRetriesAreSpentEndsPollingWithPollFailedAndItsCause() {
            DbbrainTransportException exhausted = new DbbrainTransportException("DescribeProxySessionKillTasks",
                    "connection reset", true, null);
            assertThat(exhausted.isRetryable()).isTrue();
            End end = ended(WatchPolicy.decide(state(TaskStatus.RUNNING, 5), Outcome.ofError(exhausted)));
            assertThat(end.reason()).isEqualTo(EndReason.POLL_FAILED);
            assertThat(end.reason().watchReason()).isEqualTo(DbbrainWatchException.Reason.POLL_FAILED);
            assertThat(end.cause()).isSameAs(exhausted);
            assertThat(end.detail()).isEqualTo(exhausted.getMessage());
        }

        @Test
        void aFatalErrorAndAnErrorThatIsNoServiceAnswerEndPollingToo() {
            DbbrainApiException auth = new DbbrainApiException("DescribeProxySessionKillTasks",
                    "AuthFailure.SignatureFailure", "bad signature", "req-3");
            assertThat(ended(WatchPolicy.decide(null, Outcome.ofError(auth))).cause()).isSameAs(auth);
            IllegalStateException bug = new IllegalStateException();
            End end = ended(WatchPolicy.decide(null, Outcome.ofError(bug)));
            assertThat(end.cause()).isSameAs(bug);
            assertThat(end.detail()).isEqualTo(IllegalStateException.class.getName());
            // A code that merely starts like it is not ResourceNotFound.
            assertThat(Outcome.ofError(new DbbrainApiException("DescribeProxySessionKillTasks", "ResourceUnavailable",
                    "busy", "req-4"))).isInstanceOf(WatchPolicy.Failed.class);
            assertThatNullPointerException().isThrownBy(() -> Outcome.ofError(null));
        }
    }

    @Nested
    class FailedAsError {

        @Test
        void aTerminalStateEndsTheWatchAfterItIsEmittedAndOtherStatesDoNot() {
            assertThat(WatchPolicy.ending(state(TaskStatus.RUNNING, 99), DEFAULTS)).isNull();
            assertThat(WatchPolicy.ending(state("paused", 0, List.of(), List.of(), List.of()), DEFAULTS)).isNull();
            End finished = WatchPolicy.ending(state(TaskStatus.FINISHED, 100), DEFAULTS.failedAsError(true));
            assertThat(finished.reason()).isEqualTo(EndReason.COMPLETED);
            assertThat(finished.reason().watchReason()).isNull();
        }

        @Test
        void aFailedTaskCompletesByDefaultAndFailsWithTaskFailedWhenAsked() {
            TaskInfo failed = state(TaskStatus.FAILED, 100);
            assertThat(WatchPolicy.ending(failed, DEFAULTS).reason()).isEqualTo(EndReason.COMPLETED);
            End strict = WatchPolicy.ending(failed, DEFAULTS.failedAsError(true));
            assertThat(strict.reason()).isEqualTo(EndReason.TASK_FAILED);
            assertThat(strict.reason().watchReason()).isEqualTo(DbbrainWatchException.Reason.TASK_FAILED);
            assertThat(strict.detail()).isEqualTo("the task failed");
        }
    }

    @Nested
    class Deadline {

        private final WatchOptions fiveSeconds = DEFAULTS.deadline(Duration.ofSeconds(5));

        @Test
        void withoutADeadlineTheWatchNeverTimesOut() {
            assertThat(WatchPolicy.untilDeadline(0, DEFAULTS)).isEqualTo(Long.MAX_VALUE);
            assertThat(WatchPolicy.untilDeadline(Long.MAX_VALUE / 2, DEFAULTS)).isEqualTo(Long.MAX_VALUE);
            assertThat(WatchPolicy.decide(state(TaskStatus.RUNNING, 1), Outcome.NOT_REPORTED, Long.MAX_VALUE / 2,
                    DEFAULTS)).isSameAs(Decision.WAIT);
        }

        @Test
        void theDeadlineIsCountedFromSubscriptionAndPassesAtItsLastMillisecond() {
            assertThat(WatchPolicy.untilDeadline(0, fiveSeconds)).isEqualTo(5000);
            assertThat(WatchPolicy.untilDeadline(4999, fiveSeconds)).isEqualTo(1);
            assertThat(WatchPolicy.untilDeadline(5000, fiveSeconds)).isZero();
            assertThat(WatchPolicy.untilDeadline(9000, fiveSeconds)).isZero();
            End end = WatchPolicy.deadlinePassed(fiveSeconds);
            assertThat(end.reason()).isEqualTo(EndReason.DEADLINE);
            assertThat(end.reason().watchReason()).isEqualTo(DbbrainWatchException.Reason.DEADLINE);
            assertThat(end.detail()).isEqualTo("deadline of PT5S passed");
        }

        @Test
        void onceItHasPassedEveryOutcomeEndsTheWatchWithDeadlineBeforeTheGraceIsJudged() {
            WatchOptions both = fiveSeconds.notFoundGrace(Duration.ofSeconds(1));
            assertThat(WatchPolicy.decide(null, Outcome.NOT_REPORTED, 4999, both)).isInstanceOf(End.class)
                    .extracting(d -> ((End) d).reason()).isEqualTo(EndReason.NOT_FOUND);
            for (Outcome outcome : List.of(Outcome.NOT_REPORTED, Outcome.SKIPPED,
                    reported(state(TaskStatus.RUNNING, 1)), reported(state(TaskStatus.FINISHED, 100)))) {
                assertThat(ended(WatchPolicy.decide(state(TaskStatus.CREATED, 0), outcome, 5000, both)).reason())
                        .as("%s", outcome).isEqualTo(EndReason.DEADLINE);
            }
        }
    }

    @Nested
    class Delivering {

        @Test
        void aNewerStateIsGivenWhenAskedForAndASlowSubscriberGetsTheLatestSkippingTheOnesBetween() {
            assertThat(WatchPolicy.deliver(false, 1, 0, true, false, false)).isEqualTo(Delivery.EMIT_LATEST);
            // Versions 2, 3 and 4 came and went while it asked for nothing: it is given 5, the latest.
            assertThat(WatchPolicy.deliver(false, 5, 1, false, false, false)).isEqualTo(Delivery.IDLE);
            assertThat(WatchPolicy.deliver(false, 5, 1, true, false, false)).isEqualTo(Delivery.EMIT_LATEST);
        }

        @Test
        void theTerminalStateWaitsForDemandAndIsNeverDropped() {
            // Polling ended with the terminal state (the task's last version): no poll, no end, until asked.
            assertThat(WatchPolicy.deliver(false, 3, 1, false, false, true)).isEqualTo(Delivery.IDLE);
            assertThat(WatchPolicy.deliver(false, 3, 1, true, false, true)).isEqualTo(Delivery.EMIT_LATEST);
        }

        @Test
        void aSubscriberThatHasTheLatestAndAsksForMoreMakesTheTaskPolledWhileItIsPolled() {
            assertThat(WatchPolicy.deliver(false, 2, 2, true, false, false)).isEqualTo(Delivery.POLL);
            assertThat(WatchPolicy.deliver(false, 0, 0, true, false, false)).isEqualTo(Delivery.POLL);
            // Demand drives polling: nothing asked, nothing polled.
            assertThat(WatchPolicy.deliver(false, 2, 2, false, false, false)).isEqualTo(Delivery.IDLE);
            assertThat(WatchPolicy.deliver(false, 2, 2, true, false, true)).isEqualTo(Delivery.IDLE);
        }

        @Test
        void aFailureOfPollingComesAfterTheStatesAskedForAndNeedsNoDemand() {
            assertThat(WatchPolicy.deliver(false, 2, 1, true, true, true)).isEqualTo(Delivery.EMIT_LATEST);
            assertThat(WatchPolicy.deliver(false, 2, 2, true, true, true)).isEqualTo(Delivery.POLL_FAILED);
            assertThat(WatchPolicy.deliver(false, 2, 1, false, true, true)).isEqualTo(Delivery.POLL_FAILED);
            assertThat(WatchPolicy.deliver(false, 0, 0, false, true, true)).isEqualTo(Delivery.POLL_FAILED);
        }

        @Test
        void aRecordedEndComesBeforeAnyStateStillWaiting() {
            assertThat(WatchPolicy.deliver(true, 3, 1, true, false, false)).isEqualTo(Delivery.END);
            assertThat(WatchPolicy.deliver(true, 3, 1, false, true, true)).isEqualTo(Delivery.END);
            assertThat(WatchPolicy.deliver(true, 0, 0, false, false, false)).isEqualTo(Delivery.END);
        }
    }
}
