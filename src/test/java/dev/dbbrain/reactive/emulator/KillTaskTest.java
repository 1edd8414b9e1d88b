package dev.dbbrain.reactive.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KillTaskTest {

    private static final List<String> PROXIES = List.of("p-1", "p-2", "p-3");

    private static KillTask task(long step, Set<String> failing) {
        return new KillTask(1, "crs-abcd1234", 10_000, step, PROXIES, PROXIES, failing);
    }

    @Test
    void statusChangesExactlyAtEachStepBoundary() {
        KillTask task = task(100, Set.of());
        assertThat(task.at(10_000).status()).isEqualTo(TaskPhase.CREATED);
        assertThat(task.at(10_099).status()).isEqualTo(TaskPhase.CREATED);
        assertThat(task.at(10_100).status()).isEqualTo(TaskPhase.CHOSEN);
        assertThat(task.at(10_200).status()).isEqualTo(TaskPhase.RUNNING);
        assertThat(task.at(10_299).progress()).isZero();
        assertThat(task.at(10_300).progress()).isEqualTo(33);
        assertThat(task.at(10_400).progress()).isEqualTo(66);
        assertThat(task.at(10_499).status()).isEqualTo(TaskPhase.RUNNING);
        KillTask.Snapshot done = task.at(10_500);
        assertThat(done.status()).isEqualTo(TaskPhase.FINISHED);
        assertThat(done.progress()).isEqualTo(100);
        assertThat(done.startMillis()).isEqualTo(10_200);
        assertThat(done.endMillis()).isEqualTo(10_500);
        assertThat(task.at(99_999)).as("a terminal task stays as it ended").isEqualTo(done);
    }

    @Test
    void oneFailedProxyMakesTheTaskFailedOnlyWhenAllAreDone() {
        KillTask task = task(100, Set.of("p-1"));
        KillTask.Snapshot running = task.at(10_300);
        assertThat(running.status()).isEqualTo(TaskPhase.RUNNING);
        assertThat(running.failedProxies()).containsExactly("p-1");
        assertThat(running.endMillis()).isEqualTo(-1);
        KillTask.Snapshot failed = task.at(10_500);
        assertThat(failed.status()).isEqualTo(TaskPhase.FAILED);
        assertThat(failed.finishedProxies()).containsExactly("p-2", "p-3");
        assertThat(failed.progress()).isEqualTo(100);
    }

    @Test
    void zeroStepIsTerminalAtOnceAndAClockBeforeCreationIsCreated() {
        KillTask task = task(0, Set.of());
        assertThat(task.at(10_000).status()).isEqualTo(TaskPhase.FINISHED);
        assertThat(task.at(9_999).status()).isEqualTo(TaskPhase.CREATED);
        assertThat(task(100, Set.of()).at(0).startMillis()).isEqualTo(-1);
    }

    @Test
    void taskBookRollsFailuresWithTheSeedAndFindsOnlyTheInstancesTasks() {
        TaskBook first = new TaskBook(new Random(42), 0.5, 100);
        TaskBook second = new TaskBook(new Random(42), 0.5, 100);
        for (int i = 0; i < 5; i++) {
            assertThat(first.create("crs-abcd1234", PROXIES, null, 0).failingProxies())
                    .isEqualTo(second.create("crs-abcd1234", PROXIES, null, 0).failingProxies());
        }
        KillTask other = first.create("crs-zzzz0000", PROXIES, "p-2", 0);
        assertThat(other.workProxies()).containsExactly("p-2");
        assertThat(first.find("crs-abcd1234", List.of(other.asyncRequestId(), TaskBook.FIRST_ID, TaskBook.FIRST_ID)))
                .extracting(KillTask::asyncRequestId).containsExactly(TaskBook.FIRST_ID);
        assertThat(first.created()).isEqualTo(6);
    }

    @Test
    void timesAreWrittenInUtcPlusEight() {
        assertThat(TimeFormat.of(false).format(0)).isEqualTo("1970-01-01T08:00:00+08:00");
        assertThat(TimeFormat.of(true).format(0)).isEqualTo("1970-01-01 08:00:00");
        assertThat(TimeFormat.of(false).format(-1)).isEmpty();
    }
}
