package dev.dbbrain.reactive.cli;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DbbrainException;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksRequest;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * {@code kill}: one task per instance, each polled until it ends, every change printed. Plain polling at a fixed
 * interval with retries of throttling and transient errors; the Create call itself is never retried, because it is
 * not idempotent.
 */
record KillCommand(Cli cli) implements Command {

    static final String HELP = """
            Usage: dbbrain kill --instance ID [--instance ID]... [--proxy-id ID] [options]

            Creates a session-kill task for each instance and follows each until it is finished or failed,
            printing every change.

            Options:
              --instance ID       Redis instance ID (repeatable), e.g. crs-abcd1234
              --proxy-id ID       kill only on this proxy of the instance (InstanceProxyId)
              --interval-ms MS    time between two polls of a task (default 1000)
              --timeout-s S       give up on a task after this long (default 600)
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
        List<String> instances = args.all("instance");
        if (instances.isEmpty()) {
            throw new Args.UsageException("kill needs at least one --instance");
        }
        String proxyId = args.get("proxy-id", null);
        Duration interval = Duration.ofMillis(args.intValue("interval-ms", 1000, 50, 3_600_000));
        Duration timeout = Duration.ofSeconds(args.intValue("timeout-s", 600, 1, 86_400));
        Output output = cli.output(args);
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        try (Cli.Session session = cli.session(args, output)) {
            Flux.fromIterable(instances)
                    .flatMap(instance -> follow(session.client(), instance, proxyId, interval, timeout, output)
                            .doOnNext(last -> (last.status() == TaskStatus.FINISHED ? finished : failed)
                                    .incrementAndGet())
                            .onErrorResume(e -> {
                                errors.incrementAndGet();
                                output.error(instance, e);
                                return Mono.empty();
                            }))
                    .then()
                    // The CLI's main thread waits here; it is not a Reactor thread.
                    .block(timeout.plus(Duration.ofMinutes(1)));
            output.summary(instances.size(), finished.get(), failed.get(), errors.get());
            if (args.flag("verbose") && session.emulator() != null) {
                output.info("emulator stats: " + session.emulator().stats());
            }
        }
        return errors.get() > 0 ? Cli.API_ERROR : failed.get() > 0 ? Cli.TASK_FAILED : Cli.OK;
    }

    /** Creates the task, prints each change, and emits the terminal state. */
    private static Mono<TaskInfo> follow(DbbrainClient client, String instance, String proxyId, Duration interval,
            Duration timeout, Output output) {
        CreateProxySessionKillTaskRequest request = proxyId == null ? CreateProxySessionKillTaskRequest.of(instance)
                : CreateProxySessionKillTaskRequest.of(instance, proxyId);
        return client.createProxySessionKillTask(request)
                .doOnNext(created -> output.created(instance, created.asyncRequestId(), created.requestId()))
                .flatMap(created -> poll(client, instance, created.asyncRequestId(), interval)
                        .distinctUntilChanged(KillCommand::changeKey)
                        .doOnNext(output::task)
                        .takeUntil(TaskInfo::isTerminal)
                        .last()
                        .timeout(timeout));
    }

    static Flux<TaskInfo> poll(DbbrainClient client, String instance, long taskId, Duration interval) {
        Mono<Optional<TaskInfo>> once = client
                .describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(instance, taskId))
                .map(r -> r.tasks().stream().filter(t -> t.asyncRequestId() == taskId).findFirst())
                .retryWhen(Retry.backoff(8, interval)
                        .maxBackoff(Duration.ofSeconds(10))
                        .filter(e -> e instanceof DbbrainException d && d.isRetryable())
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
        return once.repeatWhen(done -> done.delayElements(interval))
                .flatMap(Mono::justOrEmpty);
    }

    private static List<Object> changeKey(TaskInfo t) {
        return List.of(t.rawStatus(), t.progress(), t.finishedProxyList(), t.failedProxyList());
    }
}
