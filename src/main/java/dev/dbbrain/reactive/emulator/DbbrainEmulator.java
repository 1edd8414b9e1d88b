package dev.dbbrain.reactive.emulator;

import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.internal.Failures;
import dev.dbbrain.reactive.internal.Tc3Signer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.ByteBufFlux;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * A local HTTP server that answers {@code CreateProxySessionKillTask} and {@code DescribeProxySessionKillTasks}
 * the way the Tencent Cloud DBbrain endpoint does, for testing applications without an account or network.
 *
 * <p>It checks what the real service checks, in the same order and with the same error codes: the common
 * parameters, the signature (against the credentials given to the builder), the timestamp skew, the rate limit of
 * 20 requests per second per action, and the action's fields. Every API answer is HTTP 200 with the service's JSON
 * envelope. It speaks every protocol the official SDKs and {@code tccli} do: TC3-HMAC-SHA256 with POST (JSON body)
 * or GET (fields in the query string), and signature v1 ({@code HmacSHA1} or {@code HmacSHA256}, common and
 * flattened fields such as {@code AsyncRequestIds.0} in a form body or the query string); over HTTP or, with
 * {@link Builder#tls(boolean)}, HTTPS with a self-signed certificate made at start. A method other than GET and
 * POST (CONNECT included: the emulator is no proxy) is refused with HTTP 405. Tasks progress through {@code created}, {@code chosen}, {@code running} to
 * {@code finished} or {@code failed} as the emulator's {@link Builder#clock(Clock) clock} advances; no timer runs,
 * so a test with a hand-driven clock is fully deterministic. Faults (gateway errors, connection resets,
 * truncated bodies, {@code InternalError}, throttling) and latency can be injected.
 *
 * <p>Any Redis instance ID of the form {@code crs-} followed by eight lower-case letters or digits exists, with
 * {@link Builder#proxies(int) N} proxies named {@code <instanceId>-proxy-1} to {@code -N}; other IDs are
 * {@code ResourceNotFound}. {@code GET /_emulator/stats} (no authentication) returns the same data as
 * {@link #stats()} as JSON.
 *
 * <p>It also answers STS {@code AssumeRole} (version 2018-08-13, signed for service {@code sts}) on the same
 * endpoint: any authenticated caller may assume any well-formed role ARN and gets a temporary key pair and token,
 * valid for {@code DurationSeconds} on the emulator's clock, which the emulator then accepts with
 * {@code X-TC-Token} until they expire ({@code AuthFailure.TokenFailure} afterwards).
 *
 * <p><b>Scripting.</b> A test can say what the next requests get instead, per action, and see what its client
 * sent, in the manner of OkHttp's {@code MockWebServer}: {@link #enqueue(String, EmulatorAnswer...)} queues
 * {@link EmulatorAnswer answers} (an API error, a {@code TaskInfo} state, an HTTP status, a delay, a reset, a body
 * that trickles in, raw bytes), {@link #dispatcher(Function)} answers what the queues do not, and
 * {@link #takeRequest(Duration)} hands out each {@link RecordedRequest} received (action, decoded fields,
 * SecretId, whether its signature verified; never a secret). Scripted answers only ever answer requests that pass
 * the real authentication. A request nothing scripted is served as usual, or, with
 * {@link Builder#strictScripting(boolean)}, answered with an error the test sees.
 *
 * <p>Example:
 * <pre>{@code
 * try (DbbrainEmulator emulator = DbbrainEmulator.builder()
 *         .credentials("AKIDtest", "test-secret-key")
 *         .stepDuration(Duration.ofMillis(100))
 *         .start()) {
 *     // point the client at emulator.endpoint() with the same credentials
 * }
 * }</pre>
 *
 * <p>Threading: requests are served on Reactor Netty's event loops without blocking them. {@link Builder#start()}
 * and {@link #stop()} wait for the socket to be bound or closed, so call them from a test or main thread.
 */
public final class DbbrainEmulator implements AutoCloseable {

    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final DisposableServer server;
    /**
     * The emulator's own event loops: it is a server, and a server shares no threads with its clients. On the shared
     * global loops, a client busy on them (a cold JVM loading classes) would delay the emulator's reading of requests
     * and so bunch their arrival times, as no real network would.
     */
    private final LoopResources loops = LoopResources.create("dbbrain-emulator", 2, true);
    private final String endpoint;
    /** The certificate and key served, or null without TLS. */
    private final EmulatorCertificate tls;
    private final Clock clock;
    private final TrafficRecorder traffic;
    private final TaskBook tasks;
    private final List<String> secretIds;
    private final Script script;
    private final RequestLog log;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private DbbrainEmulator(EmulatorSettings settings) {
        this.clock = settings.clock();
        this.traffic = new TrafficRecorder();
        this.secretIds = List.copyOf(settings.credentials().keySet());
        Random random = new Random(settings.seed());
        this.tasks = new TaskBook(random, settings.proxyFailureProbability(), settings.stepDuration().toMillis());
        InstanceCatalog instances = new InstanceCatalog(settings.proxies());
        TaskInfoJson taskInfo = new TaskInfoJson(TimeFormat.of(settings.legacyTimeFormat()));
        KillTaskService service = new KillTaskService(instances, tasks, taskInfo, settings.maxAsyncRequestIds());
        CredentialStore credentials = new CredentialStore(settings.credentials());
        ApiProcessor processor = new ApiProcessor(clock,
                new RequestAuthenticator(credentials, new HostMatch(settings.strictHostMatching())),
                new ActionRateLimit(settings.rateLimit()), service, new StsService(credentials));
        this.script = new Script(settings.strictScripting());
        this.log = new RequestLog(settings.maxRecordedRequests());
        EmulatorHandler handler = new EmulatorHandler(clock, traffic, new FaultInjector(settings.faults(), random),
                processor, script, log, new ScriptedReplies(tasks, instances, taskInfo),
                () -> StatsJson.write(stats()), settings.latency(), settings.scheduler());
        warmUp();
        this.tls = settings.tls() ? EmulatorCertificate.generate(certificateNames(settings)) : null;
        HttpServer http = HttpServer.create()
                .runOn(loops)
                .host(settings.host())
                .port(settings.port())
                .handle(handler::handle);
        if (tls != null) {
            http = http.secure(spec -> spec.sslContext(Http11SslContextSpec.forServer(tls.privateKey(),
                    tls.certificate())));
        }
        this.server = http.bindNow(BIND_TIMEOUT);
        this.endpoint = (tls == null ? "http://" : "https://") + urlHost(settings.host()) + ":" + server.port();
        if (settings.tlsCertificateFile() != null) {
            try {
                tls.writePem(settings.tlsCertificateFile());
            } catch (RuntimeException e) {
                stop();
                throw e;
            }
        }
        warmUpHttp(settings.clock(), settings.warmUpRequests());
    }

    /** The default names, the address listened on when it is a particular one, and the configured names. */
    private static List<String> certificateNames(EmulatorSettings settings) {
        Set<String> names = new LinkedHashSet<>(EmulatorCertificate.DEFAULT_NAMES);
        String host = settings.host();
        if (!"0.0.0.0".equals(host) && !"::".equals(host) && !"[::]".equals(host)) {
            names.add(host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host);
        }
        names.addAll(settings.tlsHostNames());
        return List.copyOf(names);
    }

    /**
     * Sends requests through the emulator's own HTTP path, one after the other, so that its first real requests are
     * not held back while classes load and code compiles: a cold server stamps the requests that queued meanwhile as
     * arriving together, and a client that paced them perfectly would be counted over the rate limit. Failures are
     * ignored: this only saves time.
     */
    private void warmUpHttp(Clock settingsClock, int requests) {
        if (requests == 0 || Schedulers.isInNonBlockingThread()) {
            // start() binds and waits like bindNow(); on an event loop there is no waiting, so no warm-up either.
            return;
        }
        byte[] body = "{\"InstanceId\":\"crs-warmup00\",\"AsyncRequestIds\":[1],\"Product\":\"redis\"}"
                .getBytes(StandardCharsets.UTF_8);
        long timestamp = settingsClock.instant().getEpochSecond();
        String authorization = Tc3Signer.authorizationHeader("AKIDemulatorwarmup", Tc3Signer.utcDate(timestamp),
                SignatureVerifier.SERVICE, "content-type;host", Tc3Signer.sha256Hex(body));
        ConnectionProvider one = ConnectionProvider.create("dbbrain-emulator-warm-up", 1);
        HttpClient pooled = warmUpClient(one);
        HttpClient fresh = warmUpClient(ConnectionProvider.newConnection());
        try {
            // A fifth on fresh connections, so that accepting and setting up a connection is warm too.
            Flux.range(0, requests)
                    .concatMap(i -> warmUpCall(i % 5 == 0 ? fresh : pooled, authorization, timestamp, body))
                    .then()
                    // The thread calling start(), which waits for the bind the same way: never a Reactor thread here.
                    .block(BIND_TIMEOUT);
        } catch (RuntimeException e) {
            // Only a warm-up.
        } finally {
            one.dispose();
        }
    }

    /** A client of the emulator's own loops that trusts its certificate (and only it) when it serves TLS. */
    private HttpClient warmUpClient(ConnectionProvider connections) {
        HttpClient client = HttpClient.create(connections).runOn(loops);
        return tls == null ? client : client.secure(spec -> spec.sslContext(Http11SslContextSpec.forClient()
                .configure(builder -> builder.trustManager(tls.certificate()))));
    }

    private Mono<String> warmUpCall(HttpClient client, String authorization, long timestamp, byte[] body) {
        return client
                .headers(h -> h.set(EmulatorHandler.WARM_UP_HEADER, "1")
                        .set("Content-Type", "application/json; charset=utf-8")
                        .set("Authorization", authorization)
                        .set("X-TC-Action", "DescribeProxySessionKillTasks")
                        .set("X-TC-Version", "2021-05-27")
                        .set("X-TC-Timestamp", Long.toString(timestamp)))
                .post().uri(endpoint + "/")
                .send(ByteBufFlux.fromString(Mono.just(new String(body, StandardCharsets.UTF_8))))
                .responseContent().aggregate().asString();
    }

    /**
     * Returns a builder with the defaults described on each of its methods.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the base URL to send API requests to, such as {@code http://127.0.0.1:41234} (no trailing slash).
     *
     * @return the endpoint URL
     */
    public String endpoint() {
        return endpoint;
    }

    /**
     * Returns the self-signed certificate the emulator serves when started with {@link Builder#tls(boolean) TLS}:
     * trust it (and only it) in a client, such as with {@code DbbrainClient.Builder.trustedCertificates(...)}.
     *
     * @return the certificate, or empty when the emulator speaks plain HTTP
     */
    public Optional<X509Certificate> certificate() {
        return Optional.ofNullable(tls).map(EmulatorCertificate::certificate);
    }

    /**
     * Returns the port the emulator listens on (the ephemeral port chosen by the system when port 0 was asked).
     *
     * @return the bound port
     */
    public int port() {
        return server.port();
    }

    /**
     * Returns what the emulator has seen so far, with each task's status as of now on the emulator's clock.
     *
     * @return an immutable snapshot, the same data as {@code GET /_emulator/stats}
     */
    public EmulatorStats stats() {
        long now = clock.millis();
        TrafficRecorder.Snapshot counts = traffic.snapshot();
        List<EmulatorStats.Task> summaries = new ArrayList<>();
        for (KillTask task : tasks.all()) {
            summaries.add(new EmulatorStats.Task(task.instanceId(), task.asyncRequestId(),
                    task.at(now).status().apiValue()));
        }
        return new EmulatorStats(counts.requests(), counts.errors(), counts.maxInOneSecond(), tasks.created(),
                summaries);
    }

    /**
     * Queues answers for the next requests of one action, in order: the first answers the next such request that
     * passes authentication, and so on; once the queue is empty, the {@link #dispatcher dispatcher} or the
     * emulator's usual behaviour answers. Each action has its queue; a request of another action does not consume
     * it. May be called from any thread, also while requests are served.
     *
     * <pre>{@code
     * emulator.enqueue("DescribeProxySessionKillTasks",
     *         EmulatorAnswer.error("ResourceNotFound.InstanceNotFoundError", "The instance does not exist."),
     *         EmulatorAnswer.httpStatus(502),
     *         EmulatorAnswer.taskState(TaskStatus.FINISHED, 100));
     * }</pre>
     *
     * @param action {@code CreateProxySessionKillTask}, {@code DescribeProxySessionKillTasks} or
     *     {@code AssumeRole}, as the requests name it
     * @param answers the answers, at least one; {@link EmulatorAnswer#created created} fits a Create only,
     *     {@link EmulatorAnswer#taskState taskState} and {@link EmulatorAnswer#tasks tasks} a Describe only
     * @throws IllegalArgumentException for an unknown action, no answers, a null answer or one that does not fit
     *     the action, naming it
     */
    public void enqueue(String action, EmulatorAnswer... answers) {
        if (action == null) {
            throw new IllegalArgumentException("action must not be null");
        }
        Action known = Action.byApiName(action).orElseThrow(() -> new IllegalArgumentException("action must be "
                + "one of " + Action.apiNames() + ", got " + action));
        if (answers == null || answers.length == 0) {
            throw new IllegalArgumentException("answers must hold at least one answer");
        }
        for (int i = 0; i < answers.length; i++) {
            if (answers[i] == null) {
                throw new IllegalArgumentException("answers[" + i + "] must not be null");
            }
            Action only = answers[i].onlyFor();
            if (only != null && only != known) {
                throw new IllegalArgumentException("answers[" + i + "]: " + answers[i] + " answers "
                        + only.apiName() + " only, not " + action);
            }
        }
        script.enqueue(known, List.of(answers));
    }

    /**
     * Sets the function that answers every request its action's {@link #enqueue queue} does not, in place of the
     * emulator's usual behaviour; it replaces the one set before. It sees the recorded request (action, decoded
     * parameters...) and returns the answer: {@link EmulatorAnswer#simulated()} for the usual one.
     *
     * <pre>{@code
     * emulator.dispatcher(request -> "crs-broken01".equals(request.parameters().get("InstanceId"))
     *         ? EmulatorAnswer.httpStatus(503)
     *         : EmulatorAnswer.simulated());
     * }</pre>
     *
     * <p>It runs on the emulator's event loop, once per request that passed authentication, possibly on several
     * threads at once: it must be quick, thread-safe and never block. If it throws or returns null or an answer for
     * another action, the request is answered with the error {@code FailedOperation.EmulatorScript} and the problem
     * is kept in {@link #scriptingErrors()}.
     *
     * @param dispatcher the function, not null; {@link #resetScripting()} removes it
     */
    public void dispatcher(Function<RecordedRequest, EmulatorAnswer> dispatcher) {
        if (dispatcher == null) {
            throw new IllegalArgumentException("dispatcher must not be null: resetScripting() removes one");
        }
        script.dispatcher(dispatcher);
    }

    /**
     * Returns the oldest request received and not yet taken, waiting for one to arrive if there is none: for
     * assertions on what a client sent, in the order it sent it. Every request counts (authenticated or not,
     * scripted or not), except the emulator's own warm-up and {@code GET /_emulator/stats}.
     *
     * <p>Waits on the calling thread, so call it from a test's thread: on a non-blocking (Reactor or Netty) thread
     * it throws at once, since waiting there would stall the event loop; use {@link #pollRequest()} there.
     *
     * @param timeout how long to wait, positive
     * @return the request
     * @throws AssertionError if none arrives within the timeout, saying how many were received
     * @throws IllegalStateException on a non-blocking thread, or when interrupted
     */
    public RecordedRequest takeRequest(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        return log.take(timeout);
    }

    /**
     * Returns the oldest request received and not yet taken, without waiting; safe on any thread.
     *
     * @return the request, or empty when every request received was taken
     */
    public Optional<RecordedRequest> pollRequest() {
        return log.poll();
    }

    /**
     * Returns how many requests the emulator received since it started or {@link #resetScripting()} was last
     * called, taken or not (including any dropped past {@link Builder#maxRecordedRequests(int)}); never waits.
     *
     * @return the number of requests
     */
    public long requestCount() {
        return log.count();
    }

    /**
     * Returns what went wrong with the script since the start or the last {@link #resetScripting()}: a request
     * without an answer under {@link Builder#strictScripting(boolean) strict scripting}, a dispatcher that threw
     * or returned null or an answer for another action. Each such request was answered with the error
     * {@code FailedOperation.EmulatorScript}; this list lets a test fail even when the client hid that error.
     * {@code DbbrainEmulatorExtension} and {@code @AutoConfigureDbbrainEmulator} fail the test with it.
     *
     * @return the problems, one message each, oldest first (at most 100, then a count); empty when none
     */
    public List<String> scriptingErrors() {
        return script.errors();
    }

    /**
     * Forgets the answers still queued, the dispatcher, the requests recorded (and their count) and the
     * {@link #scriptingErrors() scripting errors}, so that the next test starts from a clean script. The simulation
     * is untouched: tasks, {@link #stats()} and the clock go on. {@code DbbrainEmulatorExtension} and
     * {@code @AutoConfigureDbbrainEmulator} call it after each test.
     */
    public void resetScripting() {
        script.reset();
        log.clear();
    }

    /**
     * Stops the server; calling it again does nothing. From a test or main thread it waits (up to five seconds)
     * until the port is closed; from a non-blocking thread it only starts the shutdown.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        if (Schedulers.isInNonBlockingThread()) {
            server.dispose();
            server.onDispose().then(loops.disposeLater(Duration.ZERO, STOP_TIMEOUT)).subscribe();
        } else {
            server.disposeNow(STOP_TIMEOUT);
            // Not a Reactor thread (checked above): a test's or the CLI's thread may wait for the loops to end.
            loops.disposeLater(Duration.ZERO, STOP_TIMEOUT).block(STOP_TIMEOUT);
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Describes the emulator by endpoint and accepted SecretIds; never shows a secret key or token.
     *
     * @return a description for logs
     */
    @Override
    public String toString() {
        return "DbbrainEmulator[endpoint=" + endpoint + ", secretIds=" + secretIds + "]";
    }

    /**
     * Loads the JCA providers, Jackson and the formatters here, on the starting thread: their first use may read
     * files, which must not happen on an event loop.
     */
    private static void warmUp() {
        // The success path of both actions on throwaway state: loads and exercises what a first real call needs.
        KillTaskService scratch = new KillTaskService(new InstanceCatalog(3), new TaskBook(new Random(1), 0.5, 1),
                new TaskInfoJson(TimeFormat.of(false)), 0);
        String create = "{\"InstanceId\":\"crs-warmup00\",\"Product\":\"redis\"}";
        long id = scratch.create(CreateTaskParams.from(JsonCallParameters.parse(
                create.getBytes(StandardCharsets.UTF_8))), 0).asyncRequestId();
        String describe = "{\"InstanceId\":\"crs-warmup00\",\"AsyncRequestIds\":[" + id + "],\"Product\":\"redis\"}";
        for (long now = 0; now < 10; now++) {
            Envelopes.success(scratch.describe(DescribeTasksParams.from(
                    JsonCallParameters.parse(describe.getBytes(StandardCharsets.UTF_8))), now)).json();
        }
        String date = Tc3Signer.utcDate(0);
        Tc3Signer.signature("warm-up", date, SignatureVerifier.SERVICE, Tc3Signer.sha256Hex(new byte[0]));
        BodyParameters.parse("{}".getBytes(StandardCharsets.UTF_8));
        new FlatParameters(FormParameters.parse("AsyncRequestIds.0=1&InstanceId=crs-warmup00").all())
                .requiredLongArray("AsyncRequestIds");
        SignatureV1.sign("warm-up", SignatureV1.HMAC_SHA256, "warm-up");
        SignatureV1.sign("warm-up", SignatureV1.DEFAULT_METHOD, "warm-up");
        Envelopes.error(ApiFailure.internalError());
        TimeFormat.of(false).format(0);
        TimeFormat.of(true).format(0);
    }

    private static String urlHost(String host) {
        if ("0.0.0.0".equals(host)) {
            return "127.0.0.1";
        }
        if ("::".equals(host) || "[::]".equals(host)) {
            return "[::1]";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /**
     * Configures and starts a {@link DbbrainEmulator}. Each setter checks its argument at once and throws
     * {@link IllegalArgumentException} naming it; {@link #start()} may be called more than once, each call
     * starting an independent emulator with the configuration of that moment. Not thread-safe.
     */
    public static final class Builder {

        private static final Duration MAX_STEP = Duration.ofDays(365);
        private static final Duration MAX_LATENCY = Duration.ofDays(1);
        private static final int DEFAULT_MAX_RECORDED_REQUESTS = 1_000;

        private String host = "127.0.0.1";
        private int port;
        private final Map<String, Credential> credentials = new LinkedHashMap<>();
        private Clock clock = Clock.systemUTC();
        private Scheduler scheduler = Schedulers.parallel();
        private int proxies = 3;
        private Duration stepDuration = Duration.ofMillis(500);
        private double proxyFailureProbability;
        private int rateLimit = 20;
        private int maxAsyncRequestIds;
        private boolean legacyTimeFormat;
        private long seed = 20_210_527L;
        private Duration latency = Duration.ZERO;
        private double fault502;
        private double faultReset;
        private double faultMalformed;
        private double faultInternalError;
        private double faultThrottle;
        private int warmUpRequests = 1;
        private boolean strictHostMatching;
        private boolean tls;
        private Path tlsCertificateFile;
        private final List<String> tlsHostNames = new ArrayList<>();
        private boolean strictScripting;
        private int maxRecordedRequests = DEFAULT_MAX_RECORDED_REQUESTS;

        private Builder() {
        }

        /**
         * Sets the address to listen on; default {@code 127.0.0.1}.
         *
         * @param host a host name or IP address
         * @return this builder
         */
        public Builder host(String host) {
            this.host = notBlank(host, "host");
            return this;
        }

        /**
         * Sets the port to listen on; default 0, an ephemeral port chosen by the system (see
         * {@link DbbrainEmulator#port()}).
         *
         * @param port 0 to 65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Accepts requests signed with this permanent key pair. May be called several times for several pairs;
         * a SecretId given again replaces its earlier key.
         *
         * @param secretId the SecretId
         * @param secretKey the SecretKey
         * @return this builder
         */
        public Builder credentials(String secretId, String secretKey) {
            String id = notBlank(secretId, "secretId");
            credentials.put(id, new Credential(id, notEmpty(secretKey, "secretKey"), null));
            return this;
        }

        /**
         * Accepts requests signed with this temporary key pair when they carry {@code token} in
         * {@code X-TC-Token}; otherwise they fail with {@code AuthFailure.TokenFailure}.
         *
         * @param secretId the temporary SecretId
         * @param secretKey the temporary SecretKey
         * @param token the session token
         * @return this builder
         */
        public Builder temporaryCredentials(String secretId, String secretKey, String token) {
            String id = notBlank(secretId, "secretId");
            credentials.put(id, new Credential(id, notEmpty(secretKey, "secretKey"), notEmpty(token, "token")));
            return this;
        }

        /**
         * Sets the clock for everything time-related: the timestamp check, the rate-limit windows, task
         * progression, the times in {@code TaskInfo} and the stats windows; default {@link Clock#systemUTC()}.
         * A clock a test moves by hand makes the emulator deterministic.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = notNull(clock, "clock");
            return this;
        }

        /**
         * Sets the scheduler the {@link #latency(Duration) latency} delays run on; default
         * {@link Schedulers#parallel()}. A virtual-time scheduler makes latency tests instant.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = notNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Sets how many proxies every instance has; default 3.
         *
         * @param proxies at least 1
         * @return this builder
         */
        public Builder proxies(int proxies) {
            if (proxies < 1) {
                throw new IllegalArgumentException("proxies must be at least 1, got " + proxies);
            }
            this.proxies = proxies;
            return this;
        }

        /**
         * Sets how long each stage of a task takes on the clock; default 500 ms. A task is {@code created} for
         * one step, {@code chosen} for one step, then {@code running} while its proxies complete one per step.
         *
         * @param stepDuration zero (tasks are done at once) up to 365 days
         * @return this builder
         */
        public Builder stepDuration(Duration stepDuration) {
            this.stepDuration = duration(stepDuration, "stepDuration", MAX_STEP);
            return this;
        }

        /**
         * Sets the probability that the kill fails on a proxy, decided when the task is created; default 0.
         * A task with any failed proxy ends {@code failed}.
         *
         * @param probability 0 to 1
         * @return this builder
         */
        public Builder proxyFailureProbability(double probability) {
            this.proxyFailureProbability = probability(probability, "proxyFailureProbability");
            return this;
        }

        /**
         * Sets the most requests admitted per SecretId and action in any sliding second; default 20, the
         * documented limit. Requests over it get {@code RequestLimitExceeded}.
         *
         * @param requestsPerSecond 0 (no limit) or more
         * @return this builder
         */
        public Builder rateLimit(int requestsPerSecond) {
            this.rateLimit = nonNegative(requestsPerSecond, "rateLimit");
            return this;
        }

        /**
         * Sets the most elements of {@code AsyncRequestIds} one Describe may carry, above which it gets
         * {@code InvalidParameterValue}; default 0, no limit (the service documents none).
         *
         * @param max 0 (no limit) or more
         * @return this builder
         */
        public Builder maxAsyncRequestIds(int max) {
            this.maxAsyncRequestIds = nonNegative(max, "maxAsyncRequestIds");
            return this;
        }

        /**
         * Writes {@code TaskInfo} times as {@code 2022-02-11 10:22:46} instead of the default ISO-8601
         * {@code 2022-02-11T10:22:46+08:00}; both forms appear in the official examples. Both are UTC+8.
         *
         * @param legacy true for the legacy form
         * @return this builder
         */
        public Builder legacyTimeFormat(boolean legacy) {
            this.legacyTimeFormat = legacy;
            return this;
        }

        /**
         * Seeds the random numbers behind fault injection and proxy failures; default a fixed seed, so runs are
         * reproducible (as far as concurrent requests arrive in the same order).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Delays every API answer by this much, on the {@link #scheduler(Scheduler) scheduler}; default zero.
         *
         * @param latency zero up to one day
         * @return this builder
         */
        public Builder latency(Duration latency) {
            this.latency = duration(latency, "latency", MAX_LATENCY);
            return this;
        }

        /**
         * Sets the probability that a request is answered by a gateway error page instead of the service:
         * HTTP 502 and 503 alternately, with a small HTML body; default 0.
         *
         * @param probability 0 to 1
         * @return this builder
         */
        public Builder fault502(double probability) {
            this.fault502 = probability(probability, "fault502");
            return this;
        }

        /**
         * Sets the probability that a request is answered by resetting the connection (TCP RST), after its body
         * was received; default 0.
         *
         * @param probability 0 to 1
         * @return this builder
         */
        public Builder faultReset(double probability) {
            this.faultReset = probability(probability, "faultReset");
            return this;
        }

        /**
         * Sets the probability that a request is answered by HTTP 200 with a truncated JSON envelope; default 0.
         *
         * @param probability 0 to 1
         * @return this builder
         */
        public Builder faultMalformed(double probability) {
            this.faultMalformed = probability(probability, "faultMalformed");
            return this;
        }

        /**
         * Sets the probability that a request is answered by the error {@code InternalError}; default 0.
         *
         * @param probability 0 to 1
         * @return this builder
         */
        public Builder faultInternalError(double probability) {
            this.faultInternalError = probability(probability, "faultInternalError");
            return this;
        }

        /**
         * Sets how many requests the emulator sends itself through its HTTP path before {@link #start()} returns;
         * default 1. They are not counted, rate limited or given faults. A standalone emulator judging a client's
         * rate should start warm, as the service is: a server still compiling its code reads requests late and
         * stamps those that queued meanwhile as arriving together. A few hundred take well under a second.
         *
         * @param requests zero or more
         * @return this builder
         */
        public Builder warmUpRequests(int requests) {
            this.warmUpRequests = nonNegative(requests, "warmUpRequests");
            return this;
        }

        /**
         * Sets the probability that a request is answered by the error {@code RequestLimitExceeded}, whatever the
         * rate limit; default 0.
         *
         * @param probability 0 to 1
         * @return this builder
         */
        public Builder faultThrottle(double probability) {
            this.faultThrottle = probability(probability, "faultThrottle");
            return this;
        }

        /**
         * Sets how the emulator matches the host a signature was made over (TC3's signed {@code host} header, v1's
         * host in the string to sign) with the {@code Host} header received. By default (false) it accepts the
         * received value and the same host without its port: the real endpoint is reached on the default port, so
         * its {@code Host} never carries one, and clients that sign the host without the port while sending it
         * (the official Node SDK does) work there but would fail every call against an emulator on another port.
         * Strict (true) accepts the received value only, as the real service does.
         *
         * @param strict true to accept only a signature over the Host header exactly as received
         * @return this builder
         */
        public Builder strictHostMatching(boolean strict) {
            this.strictHostMatching = strict;
            return this;
        }

        /**
         * Serves HTTPS instead of HTTP (default false), with a self-signed certificate generated in memory at
         * {@link #start()} for {@code 127.0.0.1}, {@code ::1}, {@code localhost}, the {@link #host(String) host}
         * listened on and any {@link #tlsHostNames(String...) extra names}; {@link DbbrainEmulator#endpoint()} then
         * starts with {@code https://}. Clients must trust that certificate: take it from
         * {@link DbbrainEmulator#certificate()} or have it written to a file with
         * {@link #tlsCertificateFile(Path)}. A new key and certificate are made at every start; nothing is read
         * from or kept on disk but that file.
         *
         * @param tls true for HTTPS
         * @return this builder
         */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /**
         * Writes the certificate of a {@link #tls(boolean) TLS} emulator to this file in PEM form when it starts,
         * replacing the file whole (never half written), so that clients in other processes can trust it: the
         * CLI's {@code --ca-cert}, {@code REQUESTS_CA_BUNDLE} for Python and {@code tccli}, {@code NODE_EXTRA_CA_CERTS}
         * for Node, {@code curl --cacert}. Only the certificate is written, never the private key. Default none.
         *
         * @param file the file to write, or null for none
         * @return this builder
         */
        public Builder tlsCertificateFile(Path file) {
            this.tlsCertificateFile = file;
            return this;
        }

        /**
         * Adds host names or IP addresses the {@link #tls(boolean) TLS} certificate is valid for, besides
         * {@code 127.0.0.1}, {@code ::1}, {@code localhost} and the host listened on. A client that must address
         * the emulator by another name (the official Java and Node SDKs take the signing service from the
         * endpoint's first label, so they need a {@code dbbrain.} name, such as {@code dbbrain.tencentcloudapi.com}
         * resolved to 127.0.0.1 by a hosts file) verifies the certificate against that name.
         *
         * @param names DNS names (a leading {@code *.} allowed) or IPv4/IPv6 addresses
         * @return this builder
         */
        public Builder tlsHostNames(String... names) {
            for (String name : notNull(names, "tlsHostNames")) {
                if (!EmulatorCertificate.validName(notBlank(name, "tlsHostNames element"))) {
                    throw new IllegalArgumentException("tlsHostNames: " + name
                            + " is neither a DNS name nor an IP address");
                }
                tlsHostNames.add(name);
            }
            return this;
        }

        /**
         * Makes a request that no {@link DbbrainEmulator#enqueue queued answer} and no
         * {@link DbbrainEmulator#dispatcher dispatcher} answers an error the test sees, instead of serving it as
         * usual (default false): it is answered with the error {@code FailedOperation.EmulatorScript} (which the
         * client does not retry) and listed in {@link DbbrainEmulator#scriptingErrors()}, which the JUnit extension
         * and the Spring test annotation check after each test. A request that fails authentication still gets the
         * service's error.
         *
         * @param strict true for strict scripting
         * @return this builder
         */
        public Builder strictScripting(boolean strict) {
            this.strictScripting = strict;
            return this;
        }

        /**
         * Sets how many received requests are kept for {@link DbbrainEmulator#takeRequest(Duration)} until taken;
         * default 1,000. Past it the oldest are dropped, so that a long run (a soak test, the standalone emulator)
         * stays in bounded memory; {@link DbbrainEmulator#requestCount()} still counts them.
         *
         * @param max 0 (record none) or more
         * @return this builder
         */
        public Builder maxRecordedRequests(int max) {
            this.maxRecordedRequests = nonNegative(max, "maxRecordedRequests");
            return this;
        }

        /**
         * Binds the server and returns the running emulator. Fault probabilities are rolled once per request, in
         * the order 502/503, reset, malformed, InternalError, throttle; they are exact while they add up to at
         * most 1.
         *
         * <p>Blocks until the port is bound: call it from a test or main thread, never from an event loop.
         *
         * @return the running emulator
         * @throws IllegalStateException if no credentials were configured, or a certificate file or host names
         *     were given without {@link #tls(boolean) TLS}
         * @throws java.io.UncheckedIOException if the certificate file cannot be written
         */
        public DbbrainEmulator start() {
            if (credentials.isEmpty()) {
                throw new IllegalStateException("No credentials configured: call credentials(secretId, secretKey)"
                        + " or temporaryCredentials(...) before start(), so the emulator can verify signatures.");
            }
            if (!tls && (tlsCertificateFile != null || !tlsHostNames.isEmpty())) {
                throw new IllegalStateException("tlsCertificateFile and tlsHostNames apply to a TLS emulator: call"
                        + " tls(true) as well.");
            }
            return new DbbrainEmulator(new EmulatorSettings(host, port, credentials, clock, scheduler, proxies,
                    stepDuration, proxyFailureProbability, rateLimit, maxAsyncRequestIds, legacyTimeFormat, seed,
                    latency, new FaultRates(fault502, faultReset, faultMalformed, faultInternalError,
                            faultThrottle), warmUpRequests, strictHostMatching, tls, tlsCertificateFile,
                    tlsHostNames, strictScripting, maxRecordedRequests));
        }

        private static <T> T notNull(T value, String name) {
            if (value == null) {
                throw new IllegalArgumentException(name + " must not be null");
            }
            return value;
        }

        private static String notEmpty(String value, String name) {
            if (notNull(value, name).isEmpty()) {
                throw new IllegalArgumentException(name + " must not be empty");
            }
            return value;
        }

        private static String notBlank(String value, String name) {
            if (notNull(value, name).isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }

        private static int nonNegative(int value, String name) {
            if (value < 0) {
                throw new IllegalArgumentException(name + " must not be negative, got " + value);
            }
            return value;
        }

        private static double probability(double value, String name) {
            if (!(value >= 0 && value <= 1)) {
                throw new IllegalArgumentException(name + " must be a probability between 0 and 1, got " + value);
            }
            return value;
        }

        private static Duration duration(Duration value, String name, Duration max) {
            if (notNull(value, name).isNegative() || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be between 0 and " + max + ", got " + value);
            }
            return value;
        }
    }
}
