package dev.dbbrain.reactive.cli;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DbbrainException;
import dev.dbbrain.reactive.WatchSharing;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.auth.CredentialsProvider;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.ratelimit.redis.RedisRateLimiter;
import dev.dbbrain.reactive.ratelimit.redis.RedisWatchSharing;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Parses the command line, sets up the client (or the embedded emulator) and runs one command. Runs on the
 * caller's thread, which it blocks while the command runs: this is a program's main thread, never an event loop.
 */
final class Cli {

    static final int OK = 0;
    static final int TASK_FAILED = 1;
    static final int USAGE = 2;
    static final int API_ERROR = 3;

    private static final Set<String> GLOBAL = Set.of("endpoint", "region", "output", "verbose", "emulator", "help",
            "redis", "no-shared-watches", "ca-cert");
    private static final Set<String> EMULATOR_OPTIONS = Set.of("port", "secret-id", "secret-key", "proxies", "step-ms",
            "proxy-failure", "rate-limit", "latency-ms", "fault-502", "fault-reset", "fault-malformed",
            "fault-internal-error", "fault-throttle");

    static final String USAGE_TEXT = """
            Usage: dbbrain [global options] <command> [options]

            Kill the sessions on a Tencent Cloud Redis instance's proxy nodes through DBbrain, and follow the task.

            Commands:
              kill       create a session-kill task per instance and follow each until it ends
              watch      follow existing tasks of an instance until they end
              describe   show the state of some tasks of an instance
              emulator   run the local DBbrain emulator in the foreground

            Global options:
              --endpoint URL        API endpoint (default https://dbbrain.tencentcloudapi.com)
              --region R            region sent as X-TC-Region, e.g. ap-guangzhou
              --output text|json    text for people (default), json for one object per line
              --verbose             stack traces and emulator statistics
              --emulator            run against an embedded emulator: no account needed, nothing real is killed
              --redis URI           share the account's rate budget with other processes through this Redis,
                                    e.g. redis://localhost:6379 (requests fail, unsent, while it is unreachable),
                                    and the polls of the tasks they watch: a task followed by several processes
                                    is polled by one of them at a time (each polls on its own while Redis is down)
              --no-shared-watches   with --redis, share the budget only: each process polls its own tasks
              --ca-cert FILE        trust the PEM certificates in FILE (and only them) for an https:// endpoint,
                                    e.g. the one 'dbbrain emulator --tls --tls-cert FILE' wrote
              --help                this help; 'dbbrain <command> --help' for a command

            Credentials come from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY (and TENCENTCLOUD_SESSION_TOKEN),
            else the [default] section of the profile file (TENCENTCLOUD_CREDENTIALS_FILE,
            ~/.tencentcloud/credentials, /etc/tencentcloud/credentials).

            Exit codes: 0 all tasks finished, 1 some task failed, 2 usage or configuration error,
                        3 API or transport error.
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private final CredentialsProvider credentials;
    private final UnaryOperator<DbbrainClient.Builder> clientSettings;

    /** A CLI writing to these streams; a live progress board when stdout looks like a terminal. */
    Cli(PrintStream out, PrintStream err) {
        this(out, err, Terminal.interactive());
    }

    /** A CLI told whether {@code out} is a terminal, so tests can have the board or the plain lines at will. */
    Cli(PrintStream out, PrintStream err, boolean terminal) {
        this(out, err, terminal, CredentialsProvider.defaultChain(), UnaryOperator.identity());
    }

    /**
     * A CLI with its credentials (instead of the default chain, which reads the process environment) and a last
     * say on the client's settings, so that tests can give it a key and short timeouts.
     */
    Cli(PrintStream out, PrintStream err, boolean terminal, CredentialsProvider credentials,
            UnaryOperator<DbbrainClient.Builder> clientSettings) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.credentials = credentials;
        this.clientSettings = clientSettings;
    }

    int run(String[] argv) {
        Args args;
        try {
            args = Args.parse(argv);
        } catch (Args.UsageException e) {
            return usage(e.getMessage());
        }
        boolean verbose = args.flag("verbose");
        try {
            if (args.command == null) {
                if (args.flag("help")) {
                    out.print(USAGE_TEXT);
                    return OK;
                }
                return usage("no command given");
            }
            Command command = switch (args.command) {
                case "kill" -> new KillCommand(this);
                case "watch" -> new WatchCommand(this);
                case "describe" -> new DescribeCommand(this);
                case "emulator" -> new EmulatorCommand(this);
                default -> null;
            };
            if (command == null) {
                return usage("unknown command '" + args.command + "'");
            }
            if (args.flag("help")) {
                out.print(command.help());
                return OK;
            }
            allow(args, command.options());
            return command.run(args);
        } catch (Args.ConfigurationException e) {
            err.println(Output.printable("dbbrain: " + e.getMessage()));
            return USAGE;
        } catch (Args.UsageException e) {
            return usage(e.getMessage());
        } catch (DbbrainException e) {
            output(args).error(null, e);
            return API_ERROR;
        } catch (RuntimeException e) {
            err.println(Output.printable("error: " + e));
            if (verbose) {
                Output.printStackTrace(e, err);
            }
            return API_ERROR;
        }
    }

    private int usage(String problem) {
        err.println(Output.printable("dbbrain: " + problem + " (try --help)"));
        return USAGE;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    Output output(Args args) {
        String format = args.get("output", "text");
        if (!format.equals("text") && !format.equals("json")) {
            throw new Args.UsageException("--output must be text or json, was '" + format + "'");
        }
        boolean json = format.equals("json");
        return new Output(out, err, json, args.flag("verbose"), terminal && !json);
    }

    /** Checks that only the command's own options, the global ones and (with --emulator) emulator ones are used. */
    private static void allow(Args args, Set<String> commandOptions) {
        Set<String> allowed = new HashSet<>(GLOBAL);
        allowed.addAll(commandOptions);
        if (args.flag("emulator") || "emulator".equals(args.command)) {
            allowed.addAll(EMULATOR_OPTIONS);
        }
        args.allowOnly(allowed);
    }

    /**
     * The client, the rate limiter it waits on and, with --emulator, the embedded emulator it talks to; closing it
     * stops the client and the emulator. The limiter is the CLI's own (not the JVM-wide default) so that the summary
     * can report how long requests waited for it.
     */
    record Session(DbbrainClient client, RateLimiter limiter, DbbrainEmulator emulator) implements AutoCloseable {

        /** The time all requests of both actions spent waiting for a permit, summed. */
        Duration limiterWait() {
            return limiter.state(TaskFollower.CREATE).totalWait()
                    .plus(limiter.state(TaskFollower.DESCRIBE).totalWait());
        }

        @Override
        public void close() {
            client.close();
            if (emulator != null) {
                emulator.stop();
            }
        }
    }

    Session session(Args args, Output output) {
        String redis = args.get("redis", null);
        boolean shareWatches = !args.flag("no-shared-watches");
        if (redis == null && !shareWatches) {
            throw new Args.UsageException("--no-shared-watches needs --redis");
        }
        RateLimiter limiter;
        WatchSharing sharing = null;
        try {
            limiter = redis != null ? RedisRateLimiter.builder(redis).build() : RateLimiter.builder().build();
            if (redis != null && shareWatches) {
                sharing = RedisWatchSharing.builder(redis).build();
            }
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--redis: " + e.getMessage());
        }
        DbbrainClient.Builder builder = DbbrainClient.builder().rateLimiter(limiter).watchSharing(sharing);
        String region = args.get("region", null);
        if (region != null) {
            builder.region(region);
        }
        String caCert = args.get("ca-cert", null);
        if (args.flag("emulator")) {
            if (args.get("endpoint", null) != null) {
                throw new Args.UsageException("--emulator and --endpoint exclude each other");
            }
            if (caCert != null) {
                throw new Args.UsageException("--emulator and --ca-cert exclude each other (the embedded emulator"
                        + " speaks plain HTTP)");
            }
            Credentials demo = demoCredentials();
            DbbrainEmulator emulator = emulatorBuilder(args, 0, 600)
                    .credentials(demo.secretId(), demo.secretKey()).start();
            output.info("Using the embedded DBbrain emulator at " + emulator.endpoint()
                    + " (nothing real is touched)");
            builder.endpoint(emulator.endpoint()).credentials(demo);
            return new Session(build(builder), limiter, emulator);
        }
        String endpoint = args.get("endpoint", DbbrainClient.DEFAULT_ENDPOINT);
        builder.endpoint(endpoint);
        if (caCert != null) {
            builder.trustedCertificates(readCertificates(caCert));
        }
        try {
            // Resolve once up front so a missing key is one clear line, before any task is created. Runs on the
            // CLI's main thread (see the class comment), never a Reactor thread.
            Credentials found = credentials.resolveCredentials().block(Duration.ofSeconds(30));
            builder.credentials(found);
        } catch (DbbrainException e) {
            throw new Args.ConfigurationException(e.getMessage() + ". To try without an account, add --emulator.");
        }
        try {
            return new Session(build(builder), limiter, null);
        } catch (IllegalArgumentException e) {
            // The endpoint is checked when the client is built; the CLI has no switch for plain http:// elsewhere.
            throw new Args.ConfigurationException("--endpoint: " + e.getMessage().replace(
                    ", or allowInsecureEndpoint(true) if you really mean it", ""));
        }
    }

    private DbbrainClient build(DbbrainClient.Builder builder) {
        return clientSettings.apply(builder).build();
    }

    /** The X.509 certificates of a PEM (or DER) file, or a configuration error naming the file. */
    static X509Certificate[] readCertificates(String file) {
        Collection<? extends Certificate> found;
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            found = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | InvalidPathException e) {
            throw new Args.ConfigurationException("--ca-cert: cannot read " + file + " (" + e.getMessage() + ")");
        } catch (CertificateException e) {
            throw new Args.ConfigurationException("--ca-cert: " + file + " holds no readable certificate ("
                    + e.getMessage() + ")");
        }
        if (found.isEmpty()) {
            throw new Args.ConfigurationException("--ca-cert: " + file + " holds no certificate");
        }
        return found.stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
    }

    static DbbrainEmulator.Builder emulatorBuilder(Args args, int defaultPort, int defaultStepMs) {
        DbbrainEmulator.Builder b = DbbrainEmulator.builder()
                .port(args.intValue("port", defaultPort, 0, 65535))
                .proxies(args.intValue("proxies", 3, 1, 1000))
                .stepDuration(Duration.ofMillis(args.intValue("step-ms", defaultStepMs, 1, 3_600_000)))
                .proxyFailureProbability(args.probability("proxy-failure"))
                .rateLimit(args.intValue("rate-limit", 20, 0, 1_000_000))
                .fault502(args.probability("fault-502"))
                .faultReset(args.probability("fault-reset"))
                .faultMalformed(args.probability("fault-malformed"))
                .faultInternalError(args.probability("fault-internal-error"))
                .faultThrottle(args.probability("fault-throttle"));
        int latencyMs = args.intValue("latency-ms", 0, 0, 600_000);
        if (latencyMs > 0) {
            b.latency(Duration.ofMillis(latencyMs));
        }
        return b;
    }

    static Credentials demoCredentials() {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String hex = HexFormat.of().formatHex(random);
        return Credentials.of("AKIDemulator" + hex.substring(0, 12), "emulator-" + hex);
    }
}
