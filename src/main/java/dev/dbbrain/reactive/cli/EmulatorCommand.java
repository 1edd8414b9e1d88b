package dev.dbbrain.reactive.cli;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** {@code emulator}: runs the DBbrain emulator in the foreground until the process is stopped. */
record EmulatorCommand(Cli cli) implements Command {

    static final String HELP = """
            Usage: dbbrain emulator [options]

            Runs the local DBbrain emulator on 127.0.0.1 until stopped (Ctrl-C). The first line printed holds its URL.
            Point the client or this CLI at it with --endpoint URL and the credentials it prints. Any official
            Tencent Cloud SDK or tccli can use it too: TC3-HMAC-SHA256 (POST or GET) and signature v1 (HmacSHA1,
            HmacSHA256) are verified.

            Options:
              --port P                  port to listen on (default 0: pick a free one)
              --tls                     serve HTTPS with a self-signed certificate made at start (for 127.0.0.1,
                                        ::1 and localhost)
              --tls-cert FILE           with --tls: write that certificate to FILE (PEM) for clients to trust
                                        (--ca-cert FILE here, REQUESTS_CA_BUNDLE=FILE for tccli and Python,
                                        NODE_EXTRA_CA_CERTS=FILE for Node)
              --tls-host NAME           with --tls: one more name or address the certificate is valid for, e.g.
                                        dbbrain.tencentcloudapi.com mapped to 127.0.0.1 in a hosts file (repeatable)
              --strict-host             accept only signatures over the Host header exactly as received (default:
                                        also over that host without its port, as the Node SDK signs it)
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
        return Set.of("tls", "tls-cert", "tls-host", "strict-host");
    }

    @Override
    public int run(Args args) {
        String id = args.get("secret-id", null);
        String key = args.get("secret-key", null);
        if ((id == null) != (key == null)) {
            throw new Args.UsageException("--secret-id and --secret-key go together");
        }
        Credentials credentials = id == null ? Cli.demoCredentials() : Credentials.of(id, key);
        boolean tls = args.flag("tls");
        String certificateFile = args.get("tls-cert", null);
        List<String> hostNames = args.all("tls-host");
        if (!tls && (certificateFile != null || !hostNames.isEmpty())) {
            throw new Args.UsageException("--tls-cert and --tls-host go with --tls");
        }
        // A standalone emulator judges clients that start after it: let it be warm, as the service is.
        DbbrainEmulator.Builder builder = Cli.emulatorBuilder(args, 0, 500).warmUpRequests(500)
                .credentials(credentials.secretId(), credentials.secretKey())
                .strictHostMatching(args.flag("strict-host"))
                // Nobody can take recorded requests out of this process: keep none.
                .maxRecordedRequests(0)
                .tls(tls);
        try {
            builder.tlsHostNames(hostNames.toArray(new String[0]));
            builder.tlsCertificateFile(certificateFile == null ? null : Path.of(certificateFile));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        DbbrainEmulator emulator;
        try {
            emulator = builder.start();
        } catch (UncheckedIOException e) {
            throw new Args.ConfigurationException("--tls-cert: " + e.getMessage() + " (" + e.getCause().getMessage() + ")");
        }
        cli.out().println("DBbrain emulator listening on " + emulator.endpoint());
        if (certificateFile != null) {
            cli.out().println("Certificate written to " + certificateFile + "   (trust it: --ca-cert "
                    + certificateFile + ", REQUESTS_CA_BUNDLE=" + certificateFile + ", NODE_EXTRA_CA_CERTS="
                    + certificateFile + ")");
        } else if (tls) {
            cli.out().println("Certificate not written: add --tls-cert FILE so that clients can trust it");
        }
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
