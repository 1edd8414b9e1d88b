package dev.dbbrain.reactive.cli;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** {@code emulator}: runs the DBbrain emulator in the foreground until the process is stopped. */
record EmulatorCommand(Cli cli) implements Command {

    static final String HELP = """
            Usage: dbbrain emulator [options]

            Runs the local DBbrain emulator on 127.0.0.1 until stopped (Ctrl-C). The first line printed holds its URL.
            Point the client or this CLI at it with --endpoint URL and the credentials it prints.

            Options:
              --port P                  port to listen on (default 0: pick a free one)
              --secret-id ID            SecretId to accept (with --secret-key; default: made-up demo credentials)
              --secret-key KEY          SecretKey to accept
              --proxies N               proxies per instance (default 3)
              --step-ms MS              duration of each task step (default 500)
              --proxy-failure P         probability that a proxy fails its kill (default 0)
              --rate-limit N            requests per second per SecretId and action, 0 = off (default 20)
              --latency-ms MS           delay added to every answer (default 0)
              --fault-502 P             probability of an HTTP 502/503 HTML answer
              --fault-reset P           probability of a connection reset instead of an answer
              --fault-malformed P       probability of a truncated JSON answer
              --fault-internal-error P  probability of an InternalError answer
              --fault-throttle P        probability of a RequestLimitExceeded answer
            """;

    @Override
    public String help() {
        return HELP;
    }

    @Override
    public Set<String> options() {
        return Set.of();
    }

    @Override
    public int run(Args args) {
        String id = args.get("secret-id", null);
        String key = args.get("secret-key", null);
        if ((id == null) != (key == null)) {
            throw new Args.UsageException("--secret-id and --secret-key go together");
        }
        Credentials credentials = id == null ? Cli.demoCredentials() : Credentials.of(id, key);
        // A standalone emulator judges clients that start after it: let it be warm, as the service is.
        DbbrainEmulator emulator = Cli.emulatorBuilder(args, 0, 500).warmUpRequests(500)
                .credentials(credentials.secretId(), credentials.secretKey()).start();
        cli.out().println("DBbrain emulator listening on " + emulator.endpoint());
        if (id == null) {
            cli.out().println("Demo credentials: TENCENTCLOUD_SECRET_ID=" + credentials.secretId()
                    + " TENCENTCLOUD_SECRET_KEY=" + credentials.secretKey());
        }
        cli.out().println("Statistics: " + emulator.endpoint() + "/_emulator/stats   (stop with Ctrl-C)");
        cli.out().flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.stop();
            stopped.countDown();
        }, "dbbrain-emulator-shutdown"));
        try {
            // The CLI's main thread waits here until the process is stopped; it is not a Reactor thread.
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Cli.OK;
    }
}
