package dev.dbbrain.reactive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** The live board's text, exactly: lines from task states and elapsed times, and the in-place redraw. */
class CliProgressBoardTest {

    private static final List<String> PROXIES = List.of("p1", "p2", "p3");

    private static TaskInfo task(String instance, long id, TaskStatus status, long progress, List<String> finished,
            List<String> failed) {
        return new TaskInfo(id, instance, status.wireValue(), progress, PROXIES, PROXIES.size(), finished,
                failed, Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static final TaskInfo RUNNING = task("crs-demo0001", 14672492, TaskStatus.RUNNING, 33, List.of("p1"),
            List.of());
    private static final TaskInfo FINISHED = task("crs-demo0002", 14672493, TaskStatus.FINISHED, 100, PROXIES,
            List.of());
    private static final TaskInfo FAILED = task("crs-demo0003", 14672494, TaskStatus.FAILED, 100, List.of("p1"),
            List.of("p2", "p3"));

    @Test
    void eachTaskIsOneLineWithInstanceTaskStatusBarProgressElapsedAndProxies() {
        List<String> lines = ProgressBoard.render(List.of(
                ProgressBoard.Row.of(RUNNING, Duration.ofMillis(1234)),
                ProgressBoard.Row.of(FINISHED, Duration.ofMillis(4021)),
                ProgressBoard.Row.of(FAILED, Duration.ofSeconds(125))));
        assertThat(lines).containsExactly(
                "crs-demo0001   task 14672492   running   [######..............]  33%    1.2s  proxies finished 1/3, failed 0",
                "crs-demo0002   task 14672493   finished  [####################] 100%    4.0s  proxies finished 3/3, failed 0",
                "crs-demo0003   task 14672494   failed    [####################] 100%  125.0s  proxies finished 1/3, failed 2");
    }

    @Test
    void aTaskBeingCreatedHasNoIdNoStateAndAnEmptyBar() {
        ProgressBoard.Row pending = new ProgressBoard.Row("crs-demo0004", null, "creating", null, null,
                Duration.ofMillis(300));
        assertThat(ProgressBoard.render(List.of(pending))).containsExactly(
                "crs-demo0004   task -          creating  [....................]   0%    0.3s");
    }

    @Test
    void aTaskInErrorKeepsItsLastStateAndNamesTheError() {
        ProgressBoard.Row error = new ProgressBoard.Row("crs-demo0001", 14672492L, "error", RUNNING, "WatchDeadline",
                Duration.ofSeconds(600));
        ProgressBoard.Row unknown = new ProgressBoard.Row("redis-x", null, "error", null, "ResourceNotFound",
                Duration.ofMillis(80));
        assertThat(ProgressBoard.render(List.of(error, unknown))).containsExactly(
                "crs-demo0001   task 14672492   error     [######..............]  33%  600.0s  proxies finished 1/3, failed 0  WatchDeadline",
                "redis-x        task -          error     [....................]   0%    0.1s  ResourceNotFound");
    }

    @Test
    void aBoardTallerThanAllowedShowsTasksInProgressFirstThenFailuresAndCountsTheRest() {
        ProgressBoard.Row finished = ProgressBoard.Row.of(FINISHED, Duration.ofSeconds(1));
        ProgressBoard.Row running = ProgressBoard.Row.of(RUNNING, Duration.ofSeconds(2));
        ProgressBoard.Row failed = ProgressBoard.Row.of(FAILED, Duration.ofSeconds(3));
        ProgressBoard.Row error = new ProgressBoard.Row("redis-x", null, "error", null, "ResourceNotFound",
                Duration.ofSeconds(4));
        List<ProgressBoard.Row> rows = List.of(finished, running, failed, error, finished);
        assertThat(ProgressBoard.render(rows, 3)).containsExactly(
                ProgressBoard.line(running),
                ProgressBoard.line(failed),
                "... and 3 more: 0 in progress, 0 failed, 1 error(s), 2 finished");
        assertThat(ProgressBoard.render(rows, 5)).hasSize(5).first().isEqualTo(ProgressBoard.line(finished));
    }

    @Test
    void aFrameMovesTheCursorUpOverThePreviousFrameAndRewritesEachLine() {
        assertThat(ProgressBoard.frame(List.of("one", "two"), 0)).isEqualTo("\r\u001b[2Kone\n\r\u001b[2Ktwo\n");
        assertThat(ProgressBoard.frame(List.of("one", "two"), 2))
                .isEqualTo("\u001b[2A\r\u001b[2Kone\n\r\u001b[2Ktwo\n");
    }

    @Test
    void elapsedTimeRunsUntilTheTaskEndsAndThenStays() {
        long second = 1_000_000_000L;
        ProgressBoard board = new ProgressBoard(List.of(
                new TaskFollower.Target("crs-demo0001", null, Flux.empty()),
                new TaskFollower.Target("crs-demo0005", 7L, Flux.empty())), "creating", 0);
        board.update(0, RUNNING, second);
        assertThat(board.rows(2 * second)).extracting(ProgressBoard.Row::elapsed)
                .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
        board.update(0, task("crs-demo0001", 14672492, TaskStatus.FINISHED, 100, PROXIES, List.of()), 3 * second);
        board.fail(1, "WatchNotFound", null, 4 * second);
        List<ProgressBoard.Row> rows = board.rows(10 * second);
        assertThat(rows).extracting(ProgressBoard.Row::elapsed)
                .containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(4));
        assertThat(rows).extracting(ProgressBoard.Row::status).containsExactly("finished", "error");
        assertThat(rows.get(1).taskId()).isEqualTo(7L);
    }
}
