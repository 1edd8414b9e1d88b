package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.emulator.EmulatorStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Concurrent kills for the fault and soak tests: one Create per instance (each instance used once, so the emulator's
 * task count per instance reveals any duplicate Create), then {@code watchersPerTask} concurrent watches of the task,
 * and a tally checked against the emulator's own task states.
 */
final class KillWorkload {

    /** What happened to one instance: the Create's error, or the task and the states each of its watches emitted. */
    record Outcome(String instanceId, long taskId, Throwable createError, List<List<TaskInfo>> streams,
            List<Throwable> watchErrors) {

        /** What the tally needs, without the states: a long soak keeps only this. */
        Summary summary() {
            List<String> ends = new ArrayList<>();
            int regressions = 0;
            for (List<TaskInfo> states : streams) {
                if (states.isEmpty()) {
                    continue;
                }
                TaskInfo last = states.get(states.size() - 1);
                ends.add(last.isTerminal() ? last.status() : "(not terminal: " + last.status() + ")");
                for (int i = 1; i < states.size(); i++) {
                    if (TaskLoop.regresses(states.get(i - 1), states.get(i))
                            || !TaskLoop.changed(states.get(i - 1), states.get(i))) {
                        regressions++;
                    }
                }
            }
            return new Summary(instanceId, taskId, createError != null, List.copyOf(ends), regressions,
                    watchErrors.size());
        }
    }

    /** An outcome reduced to its figures: the end status of each stream, regressions, errors. */
    record Summary(String instanceId, long taskId, boolean createFailed, List<String> ends, int regressions,
            int watchErrors) {
    }

    /**
     * The figures of a run.
     *
     * @param creates Creates attempted
     * @param createErrors Creates that ended in an error (their outcome unknown to the caller)
     * @param actedOnDespiteError failed Creates whose task the service created anyway (answer lost after acting)
     * @param duplicates tasks beyond the first on any instance: Creates sent twice
     * @param watches watches started (successful Creates times watchers per task)
     * @param trueEnds watches that completed with the task's true terminal state, as the emulator has it
     * @param watchErrors watches that ended in an error
     * @param regressions consecutive states of a stream going back (status, or progress within a status) or
     *     repeating
     * @param describes Describe requests the emulator received
     */
    record Tally(int creates, int createErrors, int actedOnDespiteError, int duplicates, int watches, int trueEnds,
            int watchErrors, int regressions, long describes) {

        double requestsPerWatch() {
            return watches == 0 ? 0 : (double) describes / watches;
        }

        Tally plus(Tally o) {
            return new Tally(creates + o.creates, createErrors + o.createErrors,
                    actedOnDespiteError + o.actedOnDespiteError, duplicates + o.duplicates, watches + o.watches,
                    trueEnds + o.trueEnds, watchErrors + o.watchErrors, regressions + o.regressions,
                    describes + o.describes);
        }

        static final Tally ZERO = new Tally(0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    private KillWorkload() {
    }

    /** Kills on each instance, all at once, each followed by {@code watchersPerTask} watches of its task. */
    static Flux<Outcome> run(DbbrainClient client, List<String> instances, int watchersPerTask,
            WatchOptions options) {
        return Flux.fromIterable(instances).flatMap(instance -> client
                .createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(instance))
                .flatMap(created -> Flux.range(0, watchersPerTask)
                        .flatMap(i -> client.watch(instance, created.asyncRequestId(), options).collectList()
                                .map(states -> new Watched(states, null))
                                .onErrorResume(e -> Mono.just(new Watched(List.of(), e))))
                        .collectList()
                        .map(watched -> new Outcome(instance, created.asyncRequestId(), null,
                                watched.stream().map(Watched::states).toList(),
                                watched.stream().map(Watched::error).filter(e -> e != null).toList())))
                .onErrorResume(e -> Mono.just(new Outcome(instance, 0, e, List.of(), List.of()))),
                instances.size());
    }

    private record Watched(List<TaskInfo> states, Throwable error) {
    }

    /** Checks outcomes against the emulator's tasks (those of the given instances only). */
    static Tally tally(List<Summary> outcomes, int watchersPerTask, EmulatorStats stats, long describes) {
        Map<String, List<EmulatorStats.Task>> byInstance = new HashMap<>();
        for (EmulatorStats.Task t : stats.tasks()) {
            byInstance.computeIfAbsent(t.instanceId(), k -> new ArrayList<>()).add(t);
        }
        int createErrors = 0;
        int actedOn = 0;
        int duplicates = 0;
        int watches = 0;
        int trueEnds = 0;
        int watchErrors = 0;
        int regressions = 0;
        for (Summary o : outcomes) {
            List<EmulatorStats.Task> tasks = byInstance.getOrDefault(o.instanceId(), List.of());
            duplicates += Math.max(0, tasks.size() - 1);
            if (o.createFailed()) {
                createErrors++;
                actedOn += tasks.isEmpty() ? 0 : 1;
                continue;
            }
            watches += watchersPerTask;
            watchErrors += o.watchErrors();
            regressions += o.regressions();
            String truth = tasks.stream().filter(t -> t.asyncRequestId() == o.taskId()).map(EmulatorStats.Task::status)
                    .findFirst().orElse("(no such task)");
            trueEnds += (int) o.ends().stream().filter(truth::equals).count();
        }
        return new Tally(outcomes.size(), createErrors, actedOn, duplicates, watches, trueEnds, watchErrors,
                regressions, describes);
    }

    /**
     * Waits (in real time, bounded) until the client runs no watch: no instance, loop, poll or timer. A subscriber
     * is signalled a moment before its poll counts as settled, so this is awaited, not read once.
     */
    static void awaitIdle(DbbrainClient client) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!idle(client.stats())) {
            assertThat(System.nanoTime()).as("client idle, at %s", client.stats()).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static boolean idle(ClientStats s) {
        return s.watchedInstances() == 0 && s.watchedTasks() == 0 && s.pollsInFlight() == 0 && s.timers() == 0;
    }

    static String header() {
        return String.format("%-26s %7s %7s %7s %5s %7s %8s %7s %6s %8s", "cell", "creates", "errors", "acted", "dup",
                "watches", "true-end", "w-errs", "regr", "req/watch");
    }

    static String row(String name, Tally t) {
        return String.format("%-26s %7d %7d %7d %5d %7d %8d %7d %6d %8.2f", name, t.creates(), t.createErrors(),
                t.actedOnDespiteError(), t.duplicates(), t.watches(), t.trueEnds(), t.watchErrors(),
                t.regressions(), t.requestsPerWatch());
    }
}
