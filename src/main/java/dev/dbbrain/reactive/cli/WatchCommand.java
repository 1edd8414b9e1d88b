package dev.dbbrain.reactive.cli;

import dev.dbbrain.reactive.WatchOptions;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code watch}: follows tasks that already exist (created by an earlier {@code kill}, the console or another
 * program) with the library's watch engine, shown like {@code kill} shows its own.
 */
record WatchCommand(Cli cli) implements Command {

    static final String HELP = """
            Usage: dbbrain watch --instance ID --task N [--task N]... [options]

            Follows existing session-kill tasks of one instance until each is finished or failed. On a terminal one
            progress bar per task is redrawn in place; otherwise (piped, or --output json) every change is one line.
            Tasks of the instance are polled together, in one request per round. Ends with a summary like kill's.

            Options:
              --instance ID       Redis instance ID
              --task N            AsyncRequestId returned by kill (repeatable)
              --interval-ms MS    time between two polls of a task (default 1000)
              --timeout-s S       give up on a task after this long (default 600)
              plus the global options (dbbrain --help)

            Exit codes: 0 all finished, 1 some task failed, 3 a task was not found (within 10 s), timed out or an
            error.
            """;

    private static final Set<String> OPTIONS = Set.of("instance", "task", "interval-ms", "timeout-s");

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
        String instance = args.required("instance", "watch");
        List<Long> ids = args.requiredTaskIds("task", "watch");
        WatchOptions options = TaskFollower.watchOptions(args);
        Duration maxWait = TaskFollower.timeout(args).plus(Duration.ofMinutes(1));
        Output output = cli.output(args);
        try (Cli.Session session = cli.session(args, output)) {
            List<TaskFollower.Target> targets = ids.stream()
                    .map(id -> new TaskFollower.Target(instance, id, session.client().watch(instance, id, options)))
                    .toList();
            return TaskFollower.run(session, output, targets, "waiting", maxWait, args.flag("verbose"));
        }
    }
}
