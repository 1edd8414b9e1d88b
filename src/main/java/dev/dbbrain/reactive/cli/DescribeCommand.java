package dev.dbbrain.reactive.cli;

import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksRequest;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksResponse;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import java.time.Duration;
import java.util.List;
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
        String instance = args.get("instance", null);
        if (instance == null) {
            throw new Args.UsageException("describe needs --instance");
        }
        List<String> rawTasks = args.all("task");
        if (rawTasks.isEmpty()) {
            throw new Args.UsageException("describe needs at least one --task");
        }
        long[] ids = new long[rawTasks.size()];
        for (int i = 0; i < ids.length; i++) {
            try {
                ids[i] = Long.parseLong(rawTasks.get(i));
            } catch (NumberFormatException e) {
                throw new Args.UsageException("--task must be an integer AsyncRequestId, was '" + rawTasks.get(i) + "'");
            }
        }
        Output output = cli.output(args);
        try (Cli.Session session = cli.session(args, output)) {
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
                    output.error(instance, new DbbrainApiException("DescribeProxySessionKillTasks", "TaskNotFound",
                            "no task " + id + " on instance " + instance, response.requestId()));
                } else {
                    output.task(task);
                    failed += task.status() == TaskStatus.FAILED ? 1 : 0;
                    finished += task.status() == TaskStatus.FINISHED ? 1 : 0;
                }
            }
            output.summary(ids.length, finished, failed, missing);
            return missing > 0 ? Cli.API_ERROR : failed > 0 ? Cli.TASK_FAILED : Cli.OK;
        }
    }
}
