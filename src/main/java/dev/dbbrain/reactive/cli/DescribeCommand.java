package dev.dbbrain.reactive.cli;

import dev.dbbrain.reactive.ClientStats;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksRequest;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksResponse;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import java.time.Duration;
import java.util.Set;

/** {@code describe}: one DescribeProxySessionKillTasks call, each task printed. */
record DescribeCommand(Cli cli) implements Command {

    static final String HELP = """
            Usage: dbbrain describe --instance ID --task N [--task N]... [options]

            Shows the state of some session-kill tasks of an instance.

            Options:
              --instance ID   Redis instance ID
              --task N        AsyncRequestId returned by kill (repeatable)
              plus the global options (dbbrain --help)

            Exit codes: 0 all found and none failed, 1 some task failed, 3 a task was not found or an error.
            """;

    private static final Set<String> OPTIONS = Set.of("instance", "task");

    @Override
    public String help() {
        return HELP;
    }

    @Override
    public Set<String> options() {
        return OPTIONS;
    }

    @Override
    public int run(Args args) {
        String instance = args.required("instance", "describe");
        long[] ids = args.requiredTaskIds("task", "describe").stream().mapToLong(Long::longValue).toArray();
        Output output = cli.output(args);
        try (Cli.Session session = cli.session(args, output)) {
            long startedAt = System.nanoTime();
            DescribeProxySessionKillTasksResponse response = session.client()
                    .describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(instance, ids))
                    // The CLI's main thread waits here; it is not a Reactor thread.
                    .block(Duration.ofMinutes(2));
            int failed = 0;
            int finished = 0;
            int missing = 0;
            for (long id : ids) {
                TaskInfo task = response.tasks().stream().filter(t -> t.asyncRequestId() == id).findFirst().orElse(null);
                if (task == null) {
                    missing++;
                    output.notReported(instance, id, response.requestId());
                } else {
                    output.task(task);
                    failed += task.taskStatus() == TaskStatus.FAILED ? 1 : 0;
                    finished += task.taskStatus() == TaskStatus.FINISHED ? 1 : 0;
                }
            }
            ClientStats stats = session.client().stats();
            Summary summary = new Summary(ids.length, finished, failed, missing, stats.requests(), stats.throttled(),
                    stats.retries(), session.limiterWait(), Duration.ofNanos(System.nanoTime() - startedAt));
            output.summary(summary);
            return summary.exitCode();
        }
    }
}
