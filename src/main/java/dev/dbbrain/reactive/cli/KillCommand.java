package dev.dbbrain.reactive.cli;

import dev.dbbrain.reactive.WatchOptions;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code kill}: one task per instance, created and followed by the library ({@code killProxySessions}), every
 * change shown. Retries are the library's business: it retries polls that failed transiently and retries the
 * Create call only when the service certainly did not act on it, since Create is not idempotent.
 */
record KillCommand(Cli cli) implements Command {

    static final String HELP = """
            Usage: dbbrain kill --instance ID [--instance ID]... [--proxy-id ID] [options]

            Creates a session-kill task for each instance and follows each until it is finished or failed. On a
            terminal one progress bar per task is redrawn in place; otherwise (piped, or --output json) every change
            is one line. Ends with a summary: outcomes, requests sent, throttled answers, retries and the time
            requests waited for the client's rate limiter.

            Options:
              --instance ID       Redis instance ID (repeatable), e.g. crs-abcd1234
              --proxy-id ID       kill only on this proxy of the instance (InstanceProxyId)
              --interval-ms MS    time between two polls of a task (default 1000)
              --timeout-s S       give up on a task this long after it was created (default 600)
              plus the global options (dbbrain --help); with --emulator also the emulator's options
              (dbbrain emulator --help)
            """;

    private static final Set<String> OPTIONS = Set.of("instance", "proxy-id", "interval-ms", "timeout-s");

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
        List<String> instances = args.requiredAll("instance", "kill");
        String proxyId = args.get("proxy-id", null);
        WatchOptions options = TaskFollower.watchOptions(args);
        // The deadline runs from each task's creation; creations queue behind the rate limiter (about 19 per
        // second), so the wait grows with the number of instances.
        Duration maxWait = TaskFollower.timeout(args).plus(Duration.ofMinutes(1))
                .plus(Duration.ofMillis(100L * instances.size()));
        Output output = cli.output(args);
        try (Cli.Session session = cli.session(args, output)) {
            List<TaskFollower.Target> targets = instances.stream()
                    .map(instance -> new TaskFollower.Target(instance, null,
                            session.client().killProxySessions(instance, proxyId, options)))
                    .toList();
            return TaskFollower.run(session, output, targets, "creating", maxWait, args.flag("verbose"));
        }
    }
}
