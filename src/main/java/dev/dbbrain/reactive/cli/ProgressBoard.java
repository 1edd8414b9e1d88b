package dev.dbbrain.reactive.cli;

import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The live display on a terminal: one progress bar per task, redrawn in place.
 *
 * <p>The rendering ({@link #render}, {@link #frame}) is pure, so tests check the exact text. The board's state is
 * not thread-safe: it belongs to the one thread that prints (see {@link TaskFollower}).
 */
final class ProgressBoard {

    static final int BAR_WIDTH = 20;
    /** Lines of the board at most: fits a 24-line terminal with the lines printed before and after it. */
    static final int MAX_LINES = 20;
    private static final String ESC = "\u001b[";

    /**
     * What one line shows.
     *
     * @param instanceId the instance
     * @param taskId the task ID, or {@code null} while the task is being created
     * @param status the status word: the task's raw status, or {@code creating}, {@code waiting}, {@code error}
     * @param latest the latest state seen, or {@code null}; gives progress and proxy counts
     * @param problem what went wrong (an error code), or {@code null}
     * @param elapsed time since the command started, frozen when the task ended
     */
    record Row(String instanceId, Long taskId, String status, TaskInfo latest, String problem, Duration elapsed) {

        static Row of(TaskInfo task, Duration elapsed) {
            return new Row(task.instanceId(), task.asyncRequestId(), task.status(), task, null, elapsed);
        }
    }

    /** The lines of a frame: one per row, fixed-width columns first so the bars line up. */
    static List<String> render(List<Row> rows) {
        return render(rows, Integer.MAX_VALUE);
    }

    /**
     * The lines of a frame of at most {@code maxLines} lines. A frame taller than the terminal cannot be redrawn in
     * place (the cursor stops at the top of the screen), so when the rows do not fit, the board shows those that
     * need attention (still running, then failed or in error, then finished, each group in the given order) and one
     * last line counting the others.
     */
    static List<String> render(List<Row> rows, int maxLines) {
        List<String> lines = new ArrayList<>(Math.min(rows.size(), maxLines));
        if (rows.size() <= maxLines) {
            for (Row row : rows) {
                lines.add(line(row));
            }
            return lines;
        }
        List<Row> ordered = new ArrayList<>(rows);
        ordered.sort(Comparator.comparingInt(ProgressBoard::attention));
        List<Row> hidden = ordered.subList(maxLines - 1, ordered.size());
        for (Row row : ordered.subList(0, maxLines - 1)) {
            lines.add(line(row));
        }
        int[] count = new int[4];
        for (Row row : hidden) {
            count[attention(row)]++;
        }
        lines.add(String.format(Locale.ROOT, "... and %d more: %d in progress, %d failed, %d error(s), %d finished",
                hidden.size(), count[0], count[1], count[2], count[3]));
        return lines;
    }

    /** 0 in progress, 1 failed, 2 error, 3 finished: the order in which rows claim the lines of a full board. */
    private static int attention(Row row) {
        if (row.problem() != null) {
            return 2;
        }
        TaskInfo t = row.latest();
        if (t == null || !t.isTerminal()) {
            return 0;
        }
        return t.taskStatus() == TaskStatus.FINISHED ? 3 : 1;
    }

    static String line(Row row) {
        TaskInfo t = row.latest();
        int percent = t == null ? 0 : (int) Math.max(0, Math.min(100, t.progress()));
        int filled = percent * BAR_WIDTH / 100;
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-14s task %-10s %-9s [%s%s] %3d%% %6.1fs",
                row.instanceId(), row.taskId() == null ? "-" : row.taskId(), row.status(), "#".repeat(filled),
                ".".repeat(BAR_WIDTH - filled), percent, row.elapsed().toMillis() / 1000.0));
        if (t != null) {
            b.append(String.format(Locale.ROOT, "  proxies finished %d/%d, failed %d", t.finishedProxyList().size(),
                    t.instProxyCount(), t.failedProxyList().size()));
        }
        if (row.problem() != null) {
            b.append("  ").append(row.problem());
        }
        return b.toString();
    }

    /**
     * The text that replaces the previous frame of {@code previousLines} lines with {@code lines}: cursor up to the
     * frame's first line, then each line cleared and rewritten. The cursor ends below the frame, so anything printed
     * after the last frame comes out underneath it.
     */
    static String frame(List<String> lines, int previousLines) {
        StringBuilder b = new StringBuilder();
        if (previousLines > 0) {
            b.append(ESC).append(previousLines).append('A');
        }
        for (String line : lines) {
            b.append('\r').append(ESC).append("2K").append(line).append('\n');
        }
        return b.toString();
    }

    private final String[] instances;
    private final Long[] taskIds;
    private final TaskInfo[] latest;
    private final String[] problems;
    private final long[] endedAt;
    private final boolean[] ended;
    private final String pendingStatus;
    private final long startedAt;

    /**
     * A board of one row per target, all pending.
     *
     * @param pendingStatus what a row without a state says: {@code creating} for kill, {@code waiting} for watch
     * @param startedAt {@link System#nanoTime()} when the command started
     */
    ProgressBoard(List<TaskFollower.Target> targets, String pendingStatus, long startedAt) {
        int n = targets.size();
        this.instances = new String[n];
        this.taskIds = new Long[n];
        for (int i = 0; i < n; i++) {
            instances[i] = targets.get(i).instanceId();
            taskIds[i] = targets.get(i).taskId();
        }
        this.latest = new TaskInfo[n];
        this.problems = new String[n];
        this.endedAt = new long[n];
        this.ended = new boolean[n];
        this.pendingStatus = pendingStatus;
        this.startedAt = startedAt;
    }

    void update(int row, TaskInfo info, long now) {
        latest[row] = info;
        taskIds[row] = info.asyncRequestId();
        if (info.isTerminal() && !ended[row]) {
            end(row, now);
        }
    }

    void fail(int row, String problem, TaskInfo lastSeen, long now) {
        problems[row] = problem;
        if (lastSeen != null && latest[row] == null) {
            update(row, lastSeen, now);
        }
        if (!ended[row]) {
            end(row, now);
        }
    }

    private void end(int row, long now) {
        ended[row] = true;
        endedAt[row] = now;
    }

    List<Row> rows(long now) {
        List<Row> rows = new ArrayList<>(instances.length);
        for (int i = 0; i < instances.length; i++) {
            TaskInfo t = latest[i];
            String status = problems[i] != null ? "error" : t != null ? t.status() : pendingStatus;
            long end = ended[i] ? endedAt[i] : now;
            rows.add(new Row(instances[i], taskIds[i], status, t, problems[i], Duration.ofNanos(end - startedAt)));
        }
        return rows;
    }
}
