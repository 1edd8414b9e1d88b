package dev.dbbrain.reactive.cli;

import dev.dbbrain.reactive.ClientStats;
import dev.dbbrain.reactive.DbbrainWatchException;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import dev.dbbrain.reactive.WatchOptions;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Follows tasks with the library's watch engine until each ends, shows them, and ends with the summary: the shared
 * part of {@code kill} and {@code watch}.
 *
 * <p>Threading: states arrive on Reactor and Netty threads, which must never block, and writing to stdout can
 * block (a pipe nobody reads). So every event is handed over with {@code publishOn} to one boundedElastic worker,
 * which alone prints and alone touches this object's state, in arrival order. Its bounded queue also carries
 * backpressure to the engine: a stalled stdout slows polling instead of piling states up. The main thread only
 * waits, with the one {@code block} at the end.
 *
 * <p>On a terminal a {@link ProgressBoard} takes the place of the per-change lines; it is redrawn on a 100 ms tick
 * of a Reactor interval, so a burst of changes costs one frame, not one per change.
 */
final class TaskFollower {

    static final Duration REDRAW_PERIOD = Duration.ofMillis(100);
    static final String CREATE = "CreateProxySessionKillTask";
    static final String DESCRIBE = "DescribeProxySessionKillTasks";

    /**
     * One task to follow.
     *
     * @param instanceId the instance
     * @param taskId the task, or {@code null} when the flux creates it
     * @param states what the engine emits for it: states up to the terminal one, or an error
     */
    record Target(String instanceId, Long taskId, Flux<TaskInfo> states) {
    }

    private sealed interface Event permits State, Failure, Tick, End {
    }

    private record State(int row, TaskInfo info) implements Event {
    }

    private record Failure(int row, Throwable error) implements Event {
    }

    private record Tick() implements Event {
    }

    private record End() implements Event {
    }

    private static final Tick TICK = new Tick();
    private static final End END = new End();

    private final Output output;
    private final List<Target> targets;
    private final ProgressBoard board;
    private final long startedAt = System.nanoTime();
    private final TaskInfo[] latest;
    private final Throwable[] failures;

    private TaskFollower(Output output, List<Target> targets, String pendingStatus) {
        this.output = output;
        this.targets = targets;
        this.board = output.live() ? new ProgressBoard(targets, pendingStatus, startedAt) : null;
        this.latest = new TaskInfo[targets.size()];
        this.failures = new Throwable[targets.size()];
    }

    /** The watch options of {@code --interval-ms} and {@code --timeout-s}. */
    static WatchOptions watchOptions(Args args) {
        return WatchOptions.defaults()
                .pollInterval(Duration.ofMillis(args.intValue("interval-ms", 1000, 50, 3_600_000)))
                .deadline(timeout(args));
    }

    static Duration timeout(Args args) {
        return Duration.ofSeconds(args.intValue("timeout-s", 600, 1, 86_400));
    }

    /**
     * Follows the targets, prints the summary (and with {@code --verbose} the emulator's statistics) and returns the
     * exit code.
     *
     * @param pendingStatus what the board shows for a task without a state yet
     * @param maxWait how long the main thread waits for all of them at most
     */
    static int run(Cli.Session session, Output output, List<Target> targets, String pendingStatus, Duration maxWait,
            boolean verbose) {
        TaskFollower follower = new TaskFollower(output, targets, pendingStatus);
        follower.follow(maxWait);
        Summary summary = follower.summary(session);
        output.summary(summary);
        if (verbose && session.emulator() != null) {
            output.info("emulator stats: " + session.emulator().stats());
        }
        return summary.exitCode();
    }

    private void follow(Duration maxWait) {
        int n = targets.size();
        Flux<Event> events = Flux.range(0, n)
                .flatMap(i -> states(i, targets.get(i)), Math.max(1, n))
                .concatWithValues(END);
        if (board != null) {
            output.redraw(ProgressBoard.render(board.rows(System.nanoTime()), ProgressBoard.MAX_LINES));
            Flux<Event> ticks = Flux.interval(REDRAW_PERIOD, Schedulers.parallel())
                    .onBackpressureDrop()
                    .map(tick -> TICK);
            events = Flux.merge(events, ticks).takeUntil(e -> e == END);
        }
        events.publishOn(Schedulers.boundedElastic())
                .doOnNext(this::handle)
                .then()
                // The CLI's main thread waits here; it is not a Reactor thread.
                .block(maxWait);
    }

    private static Flux<Event> states(int row, Target target) {
        return target.states()
                .<Event>map(info -> new State(row, info))
                .onErrorResume(e -> Mono.just(new Failure(row, e)));
    }

    /** Runs on the printing thread only. */
    private void handle(Event event) {
        long now = System.nanoTime();
        if (event instanceof State s) {
            latest[s.row()] = s.info();
            if (board != null) {
                board.update(s.row(), s.info(), now);
            } else {
                output.task(s.info());
            }
        } else if (event instanceof Failure f) {
            fail(f.row(), f.error(), now);
        } else if (event instanceof Tick) {
            output.redraw(ProgressBoard.render(board.rows(now), ProgressBoard.MAX_LINES));
        } else {
            for (int i = 0; i < latest.length; i++) {
                if (failures[i] == null && (latest[i] == null || !latest[i].isTerminal())) {
                    // The engine completes only after a terminal state; should that ever not hold, say so.
                    fail(i, new IllegalStateException("the watch ended before the task did"), now);
                }
            }
            if (board != null) {
                output.redraw(ProgressBoard.render(board.rows(now), ProgressBoard.MAX_LINES));
                // Errors come out under the final frame: printed between frames they would tear the board.
                for (int i = 0; i < failures.length; i++) {
                    if (failures[i] != null) {
                        output.error(targets.get(i).instanceId(), failures[i]);
                    }
                }
            }
        }
    }

    private void fail(int row, Throwable error, long now) {
        failures[row] = error;
        if (board != null) {
            TaskInfo lastSeen = error instanceof DbbrainWatchException w ? w.lastSeen().orElse(null) : null;
            board.fail(row, Output.code(error), lastSeen, now);
        } else {
            output.error(targets.get(row).instanceId(), error);
        }
    }

    private Summary summary(Cli.Session session) {
        int finished = 0;
        int failed = 0;
        int errors = 0;
        for (int i = 0; i < latest.length; i++) {
            if (failures[i] != null) {
                errors++;
            } else if (latest[i].taskStatus() == TaskStatus.FINISHED) {
                finished++;
            } else {
                failed++;
            }
        }
        ClientStats stats = session.client().stats();
        return new Summary(latest.length, finished, failed, errors, stats.requests(), stats.throttled(),
                stats.retries(), session.limiterWait(), Duration.ofNanos(System.nanoTime() - startedAt));
    }
}
