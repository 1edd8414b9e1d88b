package dev.dbbrain.reactive;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.auth.CredentialsProvider;
import dev.dbbrain.reactive.internal.Endpoint;
import dev.dbbrain.reactive.internal.Failures;
import dev.dbbrain.reactive.internal.HandledConnectionErrors;
import dev.dbbrain.reactive.internal.Validation;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The reactive client for DBbrain's Redis proxy session-kill tasks (API version 2021-05-27).
 *
 * <p>Immutable and thread-safe: build one and share it. Every method is cold and lazy: nothing is sent before
 * subscription. Each request waits for a permit of the {@link RateLimiter} and is retried with backoff when that is
 * safe (see {@link Builder#maxRetries(int)}). Failures arrive as {@link DbbrainException} subtypes through
 * {@code onError}; methods never throw. No method blocks a thread.
 *
 * <pre>{@code
 * DbbrainClient client = DbbrainClient.builder()
 *         .region("ap-guangzhou")
 *         .credentialsProvider(CredentialsProvider.defaultChain())
 *         .build();
 * client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-abcd1234"))
 *       .flatMap(created -> client.describeProxySessionKillTasks(
 *               DescribeProxySessionKillTasksRequest.of("crs-abcd1234", created.asyncRequestId())))
 *       .subscribe(tasks -> System.out.println(tasks.tasks()));
 * }</pre>
 */
public final class DbbrainClient implements AutoCloseable {

    /** The production endpoint. */
    public static final String DEFAULT_ENDPOINT = "https://dbbrain.tencentcloudapi.com";
    /** The default cap on a response body: 4 MiB. */
    public static final int DEFAULT_MAX_RESPONSE_SIZE = 4 * 1024 * 1024;
    /** The default number of retries of a failed call, when retrying is safe. */
    public static final int DEFAULT_MAX_RETRIES = 6;
    /** The default number of task IDs per DescribeProxySessionKillTasks request of the watches. */
    public static final int DEFAULT_MAX_BATCH = 100;
    /** The default number of watch subscribers a client runs at once: see {@link Builder#maxWatches(int)}. */
    public static final int DEFAULT_MAX_WATCHES = 10_000;

    private static final String VERSION = loadVersion();

    private final ApiTransport transport;
    private final Counters counters = new Counters();
    private final WatchEngine engine;
    /** The fleet's source of states, with {@link Builder#watchSharing(WatchSharing)}; else {@code null}. */
    private final FleetSource fleet;
    private final WatchOptions watchOptions;
    private final JsonCodec codec;
    private final ConnectionProvider ownedProvider;
    private final String region;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DbbrainClient(Builder b, Endpoint endpoint) {
        // Never follow a redirect, whatever the client was given: the request's headers (X-TC-Token among them;
        // Reactor Netty strips only Authorization) and its signed body would go to whatever host the answer names,
        // and that host's answer would be taken for the service's. A 3xx fails as DbbrainHttpException instead.
        HttpClient http = b.httpClient;
        if (http == null) {
            ownedProvider = ConnectionProvider.builder("dbbrain-reactive")
                    .maxConnections(b.maxConnections)
                    .pendingAcquireMaxCount(b.maxConnections * 32)
                    .pendingAcquireTimeout(b.connectTimeout.plus(b.responseTimeout))
                    .maxIdleTime(Duration.ofSeconds(20))
                    .build();
            http = HttpClient.create(ownedProvider)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                            b.connectTimeout.toMillis()))
                    .responseTimeout(b.responseTimeout);
            if (!b.trustedCertificates.isEmpty()) {
                X509Certificate[] trusted = b.trustedCertificates.toArray(new X509Certificate[0]);
                // Only the trust anchors change: Reactor Netty's client keeps verifying the host name.
                http = http.secure(spec -> spec.sslContext(Http11SslContextSpec.forClient()
                        .configure(ssl -> ssl.trustManager(trusted))));
            }
        } else {
            ownedProvider = null;
        }
        http = HandledConnectionErrors.install(http.followRedirect(false));
        CredentialsProvider credentials = b.credentialsProvider != null ? b.credentialsProvider
                : CredentialsProvider.defaultChain();
        this.region = b.region;
        this.codec = new JsonCodec(b.maxResponseSize, b.serverTimeZone);
        Scheduler scheduler = b.scheduler;
        Supplier<Scheduler> schedulers = scheduler != null ? () -> scheduler : Schedulers::parallel;
        this.transport = new ApiTransport(TransportSettings.builder()
                .http(http)
                .endpoint(endpoint)
                .credentials(credentials)
                .clock(b.clock)
                .region(b.region)
                .language(b.language)
                .requestClient("dbbrain-reactive/" + VERSION)
                .responseTimeout(b.responseTimeout)
                .attemptTimeout(b.attemptTimeout)
                .maxResponseSize(b.maxResponseSize)
                .signActionHeader(b.signActionHeader)
                .limiter(b.rateLimiter)
                .retry(new RetrySettings(b.maxRetries, b.firstBackoff, b.maxBackoff, schedulers))
                .listener(b.listener)
                .build(), counters, closed::get);
        this.watchOptions = b.watchOptions;
        TaskStateSource source = new DescribeSource((instanceId, ids) -> describeProxySessionKillTasks(
                new DescribeProxySessionKillTasksRequest(instanceId, ids, null))
                .map(DescribeProxySessionKillTasksResponse::tasks));
        if (b.watchSharing != null) {
            fleet = new FleetSource(b.watchSharing, source, credentials, SharedStateCodec::accountId, b.listener);
            source = fleet;
        } else {
            fleet = null;
        }
        this.engine = new WatchEngine(source, b.maxBatch, b.maxWatches, schedulers, b.listener);
    }

    /**
     * Starts a builder with the defaults: production endpoint, the default credentials chain, the system UTC clock,
     * an owned connection pool with a 10 s connect timeout and a 30 s response timeout, and a 4 MiB response cap.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts an asynchronous task that kills every session on the proxy nodes of a Redis instance.
     *
     * <p>Not idempotent: each subscription creates a new task, and one subscription never creates two. The request is
     * sent again only when the service certainly did not act on it (a {@code RequestLimitExceeded} answer, or a
     * {@link DbbrainTransportException} whose {@link DbbrainTransportException#requestSent()} is {@code false}); after
     * any other transport failure the task may or may not have been created, and the error reaches the caller.
     *
     * @param request the instance (and optionally one proxy) to act on
     * @return a Mono emitting the new task's {@code AsyncRequestId}
     */
    public Mono<CreateProxySessionKillTaskResponse> createProxySessionKillTask(
            CreateProxySessionKillTaskRequest request) {
        if (request == null) {
            return Mono.error(new NullPointerException("request must not be null"));
        }
        return call(ApiAction.CREATE, request.instanceId(), () -> codec.encode(request), codec::decodeCreate);
    }

    /**
     * Reports the state of some session-kill tasks of an instance. Read-only, so the client retries it on any
     * {@linkplain DbbrainException#isRetryable() retryable} failure.
     *
     * @param request the instance and task IDs
     * @return a Mono emitting the tasks the service knows; unknown IDs are absent from the list
     */
    public Mono<DescribeProxySessionKillTasksResponse> describeProxySessionKillTasks(
            DescribeProxySessionKillTasksRequest request) {
        if (request == null) {
            return Mono.error(new NullPointerException("request must not be null"));
        }
        return call(ApiAction.DESCRIBE, request.instanceId(), () -> codec.encode(request), codec::decodeDescribe);
    }

    /**
     * Watches a task until it ends, with the client's default {@link WatchOptions}.
     *
     * @param instanceId the instance the task works on
     * @param asyncRequestId the task ID returned by {@link #createProxySessionKillTask}
     * @return the task's states, as described in {@link #watch(String, long, WatchOptions)}
     */
    public Flux<TaskInfo> watch(String instanceId, long asyncRequestId) {
        return watch(instanceId, asyncRequestId, watchOptions);
    }

    /**
     * Watches a task until it ends: emits the first state seen, then every changed state (status, progress or proxy
     * lists), and completes right after the terminal state ({@code finished} or {@code failed}).
     *
     * <p>Demand drives polling: nothing is sent while the subscriber has requested nothing, and a subscriber that
     * requests slowly gets the latest state when it asks (intermediate states may be skipped; the terminal state
     * never is). Subscribers of the same task on the same client share one poll loop, so N subscribers cost what one
     * costs; a late subscriber first gets the latest known state, and one arriving within a minute after the end gets
     * the final state without a request. Tasks watched on the same instance are polled together, up to
     * {@link Builder#maxBatch(int) maxBatch} per request. Transient poll failures are retried within the client's
     * retry budget; the watch fails with a {@link DbbrainWatchException} carrying the last state seen when the
     * budget runs out, the deadline passes, or the task is not found within the grace period. Cancelling stops the
     * loop when no other subscriber remains, including a request in flight.
     *
     * <p>A subscriber beyond the client's {@link Builder#maxWatches(int) maxWatches} running at once fails at once
     * with a {@link DbbrainCapacityException} (after {@code onSubscribe}; nothing is sent for it). A subscriber
     * whose {@code onSubscribe} throws leaves nothing running (Reactive Streams rule 2.13): the exception goes to
     * Reactor's {@code Hooks.onOperatorError} and {@code Hooks.onErrorDropped}.
     *
     * @param instanceId the instance the task works on
     * @param asyncRequestId the task ID returned by {@link #createProxySessionKillTask}
     * @param options how to poll and when to give up
     * @return the task's states
     */
    public Flux<TaskInfo> watch(String instanceId, long asyncRequestId, WatchOptions options) {
        if (instanceId == null || instanceId.isBlank()) {
            return Flux.error(new IllegalArgumentException("instanceId must not be blank"));
        }
        if (options == null) {
            return Flux.error(new NullPointerException("options must not be null"));
        }
        if (closed.get()) {
            return Flux.error(closedError());
        }
        return engine.watch(instanceId, asyncRequestId, options);
    }

    /**
     * Kills the sessions on every proxy of an instance and watches the task: create, then {@link #watch(String, long)}.
     *
     * @param instanceId the Redis instance
     * @return the task's states until it ends
     */
    public Flux<TaskInfo> killProxySessions(String instanceId) {
        return killProxySessions(instanceId, null, watchOptions);
    }

    /**
     * Kills the sessions on every proxy of an instance and watches the task with the given options: create, then
     * {@link #watch(String, long, WatchOptions)}. Start from {@link #watchOptions()} to change one setting of the
     * client's defaults ({@code client.watchOptions().deadline(Duration.ofMinutes(10))}).
     *
     * @param instanceId the Redis instance
     * @param options how to watch the task
     * @return the task's states until it ends
     */
    public Flux<TaskInfo> killProxySessions(String instanceId, WatchOptions options) {
        return killProxySessions(instanceId, null, options);
    }

    /**
     * Kills the sessions on one proxy of an instance (or all when {@code instanceProxyId} is {@code null}) and
     * watches the task with the client's default options.
     *
     * @param instanceId the Redis instance
     * @param instanceProxyId one proxy of it, or {@code null} for all
     * @return the task's states until it ends
     */
    public Flux<TaskInfo> killProxySessions(String instanceId, String instanceProxyId) {
        return killProxySessions(instanceId, instanceProxyId, watchOptions);
    }

    /**
     * Kills the sessions on one proxy of an instance (or all when {@code instanceProxyId} is {@code null}) and
     * watches the task. The task is created once per subscription and never twice: see
     * {@link #createProxySessionKillTask}.
     *
     * @param instanceId the Redis instance
     * @param instanceProxyId one proxy of it, or {@code null} for all
     * @param options how to watch the task
     * @return the task's states until it ends
     */
    public Flux<TaskInfo> killProxySessions(String instanceId, String instanceProxyId, WatchOptions options) {
        CreateProxySessionKillTaskRequest request;
        try {
            request = new CreateProxySessionKillTaskRequest(instanceId, null, instanceProxyId);
        } catch (RuntimeException e) {
            return Flux.error(e);
        }
        if (options == null) {
            return Flux.error(new NullPointerException("options must not be null"));
        }
        // A watch place is taken before the Create is sent: see WatchEngine.watchCreated.
        return engine.watchCreated(createProxySessionKillTask(request)
                .map(CreateProxySessionKillTaskResponse::asyncRequestId), request.instanceId(), options);
    }

    /**
     * Waits for a task to end, with the client's default options.
     *
     * @param instanceId the instance the task works on
     * @param asyncRequestId the task ID
     * @return a Mono emitting the terminal state
     */
    public Mono<TaskInfo> awaitCompletion(String instanceId, long asyncRequestId) {
        return awaitCompletion(instanceId, asyncRequestId, watchOptions);
    }

    /**
     * Waits for a task to end: the last element of {@link #watch(String, long, WatchOptions)}. Only the terminal
     * state is needed, so the watch polls without emitting intermediate states to the caller.
     *
     * @param instanceId the instance the task works on
     * @param asyncRequestId the task ID
     * @param options how to poll and when to give up
     * @return a Mono emitting the terminal state
     */
    public Mono<TaskInfo> awaitCompletion(String instanceId, long asyncRequestId, WatchOptions options) {
        return watch(instanceId, asyncRequestId, options).last();
    }

    /**
     * Returns the options of watches started without their own: {@link Builder#watchOptions(WatchOptions)}, or
     * under Spring Boot the {@code dbbrain.watch.*} properties. {@link WatchOptions} is immutable, so a watch that
     * needs one setting changed starts from these: {@code watch(id, task, client.watchOptions().deadline(d))}.
     *
     * @return the client's default watch options, never {@code null}
     */
    public WatchOptions watchOptions() {
        return watchOptions;
    }

    /**
     * Reports what this client has sent so far and what its watches are doing now.
     *
     * @return a snapshot of the client's counters
     */
    public ClientStats stats() {
        WatchEngine.WatchState w = engine.state();
        FleetSource.Counters f = fleet == null ? new FleetSource.Counters() : fleet.counters();
        return new ClientStats(counters.requests.sum(), counters.retries.sum(), counters.throttled.sum(),
                counters.clockCorrections.sum(), w.instances(), w.tasks(), w.requestsInFlight(), w.timers(),
                w.subscribers(), engine.maxWatches(), f.pollsSent.sum(), f.statesReceived.sum(),
                f.pollsTakenOver.sum(), f.statesRejected.sum(), f.fallbackPolls.sum());
    }

    /** One call per subscription: see {@link ApiTransport#call}. */
    private <T> Mono<T> call(ApiAction action, String instanceId, Supplier<byte[]> body,
            Function<byte[], T> decoder) {
        return Mono.defer(() -> {
            if (closed.get()) {
                return Mono.error(closedError());
            }
            return transport.call(action, instanceId, body.get(), decoder);
        });
    }

    /**
     * Ends this client's watches and releases what it created. Every running watch ends at once with a
     * {@link DbbrainWatchException} of reason {@link DbbrainWatchException.Reason#CLIENT_CLOSED}, its timers and its
     * request in flight cancelled; the connection pool is disposed when no {@code HttpClient} was supplied (a
     * supplied {@code HttpClient} and its resources stay untouched). Idempotent and non-blocking. A request already
     * sent gets its answer; calls and watches subscribed afterwards, and retries of calls still running, fail with
     * {@link IllegalStateException}.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Watches first, so their requests are cancelled rather than cut off by the pool going away.
        engine.close();
        if (fleet != null) {
            fleet.close();
        }
        if (ownedProvider != null) {
            ownedProvider.disposeLater().subscribe();
        }
    }

    static IllegalStateException closedError() {
        return new IllegalStateException("this DbbrainClient is closed");
    }

    /** Shows the endpoint and region; never credentials. */
    @Override
    public String toString() {
        return "DbbrainClient[endpoint=" + transport.endpoint() + ", region=" + region + "]";
    }

    /**
     * Returns this library's version, as sent in {@code X-TC-RequestClient}.
     *
     * @return the version, such as {@code 1.0.0}
     */
    public static String version() {
        return VERSION;
    }

    private static String loadVersion() {
        try (InputStream in = DbbrainClient.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Configures a {@link DbbrainClient}. Not thread-safe; {@link #build()} validates and copies everything, so one
     * builder can build several independent clients.
     */
    public static final class Builder {
        private String endpoint = DEFAULT_ENDPOINT;
        private boolean allowInsecureEndpoint;
        private String region;
        private CredentialsProvider credentialsProvider;
        private Clock clock = Clock.systemUTC();
        private Language language;
        private HttpClient httpClient;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration responseTimeout = Duration.ofSeconds(30);
        private Duration attemptTimeout;
        private int maxConnections = 50;
        private int maxResponseSize = DEFAULT_MAX_RESPONSE_SIZE;
        private ZoneId serverTimeZone = ZoneOffset.ofHours(8);
        private boolean signActionHeader;
        private RateLimiter rateLimiter;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Duration firstBackoff = Duration.ofMillis(250);
        private Duration maxBackoff = Duration.ofSeconds(8);
        private Scheduler scheduler;
        private int maxBatch = DEFAULT_MAX_BATCH;
        private int maxWatches = DEFAULT_MAX_WATCHES;
        private WatchOptions watchOptions = WatchOptions.defaults();
        private WatchSharing watchSharing;
        private DbbrainEventListener listener = DbbrainEventListener.NONE;
        private List<X509Certificate> trustedCertificates = List.of();

        private Builder() {
        }

        /**
         * Sets the endpoint, {@code scheme://host[:port]}; default {@value DbbrainClient#DEFAULT_ENDPOINT}. Plain
         * {@code http://} is accepted only for loopback hosts unless {@link #allowInsecureEndpoint(boolean)}.
         *
         * @param endpoint the endpoint URL
         * @return this builder
         */
        public Builder endpoint(String endpoint) {
            this.endpoint = Validation.requireText(endpoint, "endpoint");
            return this;
        }

        /**
         * Allows a plain {@code http://} endpoint on a host that is not loopback (default {@code false}): requests
         * and signatures then cross the network unencrypted.
         *
         * @param allow whether to allow it
         * @return this builder
         */
        public Builder allowInsecureEndpoint(boolean allow) {
            this.allowInsecureEndpoint = allow;
            return this;
        }

        /**
         * Sets the region sent as {@code X-TC-Region}, such as {@code ap-guangzhou}; none is sent by default.
         *
         * @param region the region, or {@code null} for none
         * @return this builder
         */
        public Builder region(String region) {
            this.region = region == null ? null : Validation.requireToken(region, "region");
            return this;
        }

        /**
         * Sets where credentials come from; default {@link CredentialsProvider#defaultChain()}.
         *
         * @param provider the provider
         * @return this builder
         */
        public Builder credentialsProvider(CredentialsProvider provider) {
            this.credentialsProvider = Objects.requireNonNull(provider, "credentialsProvider must not be null");
            return this;
        }

        /**
         * Uses fixed credentials; shorthand for {@code credentialsProvider(CredentialsProvider.of(credentials))}.
         *
         * @param credentials the credentials
         * @return this builder
         */
        public Builder credentials(Credentials credentials) {
            return credentialsProvider(CredentialsProvider.of(credentials));
        }

        /**
         * Sets the clock that stamps {@code X-TC-Timestamp}; default {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        /**
         * Sets the language of the service's error messages; none is sent by default.
         *
         * @param language the language, or {@code null} for the service's default
         * @return this builder
         */
        public Builder language(Language language) {
            this.language = language;
            return this;
        }

        /**
         * Uses the given Reactor Netty client (its pool, event loops, proxy and TLS settings) instead of an owned one.
         * {@link DbbrainClient#close()} leaves it untouched. The response and attempt timeouts still apply to every
         * request, and redirects are never followed, whatever the client says: a 3xx answer fails the call with a
         * {@link DbbrainHttpException}, and nothing is sent to the host it names.
         *
         * @param httpClient the client
         * @return this builder
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient must not be null");
            return this;
        }

        /**
         * Trusts these certificates, and only these, for an {@code https://} endpoint, instead of the JDK's default
         * trust store; default none (the JDK's trust store). Hostname verification stays on: the endpoint's host
         * must be one the certificate names. Meant for a local emulator's self-signed certificate or a private CA:
         *
         * <pre>{@code
         * DbbrainClient client = DbbrainClient.builder()
         *         .endpoint(emulator.endpoint())                       // https://127.0.0.1:41234
         *         .trustedCertificates(emulator.certificate().orElseThrow())
         *         .build();
         * }</pre>
         *
         * A PEM file (such as the one {@code dbbrain emulator --tls --tls-cert FILE} writes) reads with
         * {@code CertificateFactory.getInstance("X.509").generateCertificates(in)}. Applies to the owned connection
         * pool; with {@link #httpClient(HttpClient)}, configure TLS on that client instead ({@link #build()} refuses
         * both).
         *
         * @param certificates the certificates to trust; none restores the default trust store
         * @return this builder
         */
        public Builder trustedCertificates(X509Certificate... certificates) {
            Objects.requireNonNull(certificates, "trustedCertificates must not be null");
            for (X509Certificate certificate : certificates) {
                Objects.requireNonNull(certificate, "trustedCertificates must not contain null");
            }
            this.trustedCertificates = List.of(certificates);
            return this;
        }

        /**
         * Sets the connect timeout of the owned connection pool; default 10 s.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Validation.requirePositive(timeout, "connectTimeout");
            return this;
        }

        /**
         * Sets the longest wait for the response and between two reads of it; default 30 s. Applies to every request.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder responseTimeout(Duration timeout) {
            this.responseTimeout = Validation.requirePositive(timeout, "responseTimeout");
            return this;
        }

        /**
         * Sets the longest one attempt (one HTTP request, a retry being another) may take from the moment its request
         * starts to leave until its answer is read in full; default: the {@linkplain #responseTimeout(Duration)
         * response timeout}. The response timeout alone bounds only the silence between two reads, so a server
         * trickling its answer a byte at a time could keep a call open for ever; this bound ends it with a
         * {@link DbbrainTransportException} whose {@code requestSent()} is {@code true}, retried like any other
         * timeout (Describe) or reported (Create). The wait for a rate-limiter permit is not part of it.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder attemptTimeout(Duration timeout) {
            this.attemptTimeout = Validation.requirePositive(timeout, "attemptTimeout");
            return this;
        }

        /**
         * Sets the size of the owned connection pool; default 50.
         *
         * @param maxConnections at least 1
         * @return this builder
         */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1, was " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Sets the largest response body the client reads; a larger one fails with
         * {@link DbbrainDecodingException}; default 4 MiB.
         *
         * @param bytes at least 1024
         * @return this builder
         */
        public Builder maxResponseSize(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxResponseSize must be at least 1024 bytes, was " + bytes);
            }
            this.maxResponseSize = bytes;
            return this;
        }

        /**
         * Sets the zone of task times the service sends without an offset ({@code 2022-02-11 10:22:46}). The API
         * does not document it; the default is UTC+8 (China Standard Time), where the service's consoles live.
         *
         * @param zone the zone
         * @return this builder
         */
        public Builder serverTimeZone(ZoneId zone) {
            this.serverTimeZone = Objects.requireNonNull(zone, "serverTimeZone must not be null");
            return this;
        }

        /**
         * Also signs {@code x-tc-action}, the newer form of the signing page; default {@code false}, as the official
         * SDKs sign only {@code content-type;host}. The service accepts both.
         *
         * @param sign whether to sign the action header
         * @return this builder
         */
        public Builder signActionHeader(boolean sign) {
            this.signActionHeader = sign;
            return this;
        }

        /**
         * Sets the limiter every request waits for; default: a token bucket of
         * {@value RateLimiter#DEFAULT_PERMITS_PER_SECOND} requests per second per action, shared by every client in
         * the JVM that signs with the same SecretId and has no limiter of its own.
         *
         * @param limiter the limiter, such as {@link RateLimiter#unlimited()}
         * @return this builder
         */
        public Builder rateLimiter(RateLimiter limiter) {
            this.rateLimiter = Objects.requireNonNull(limiter, "rateLimiter must not be null");
            return this;
        }

        /**
         * Sets how many times a failed call is retried when that is safe; default
         * {@value DbbrainClient#DEFAULT_MAX_RETRIES}. Describe is retried on any retryable failure; Create only when
         * the service certainly did not act on it (throttled, or the request never left this client).
         *
         * @param maxRetries zero or more; zero turns retries off
         * @return this builder
         */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must not be negative, was " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * Sets the backoff between retries: {@code first}, doubling up to {@code max}, each with ±50% jitter;
         * default 250 ms to 8 s.
         *
         * @param first the first backoff, positive
         * @param max the longest backoff, at least {@code first}
         * @return this builder
         */
        public Builder retryBackoff(Duration first, Duration max) {
            Validation.requirePositive(first, "first");
            Validation.requirePositive(max, "max");
            if (max.compareTo(first) < 0) {
                throw new IllegalArgumentException("max must be at least first (" + first + "), was " + max);
            }
            this.firstBackoff = first;
            this.maxBackoff = max;
            return this;
        }

        /**
         * Sets the scheduler of retry backoffs and the default scheduler of watches; default
         * {@link Schedulers#parallel()}, resolved when used.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
            return this;
        }

        /**
         * Sets how many task IDs one DescribeProxySessionKillTasks request of the watches carries at most; default
         * {@value DbbrainClient#DEFAULT_MAX_BATCH}. The API documents no maximum.
         *
         * @param maxBatch at least 1
         * @return this builder
         */
        public Builder maxBatch(int maxBatch) {
            if (maxBatch < 1) {
                throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
            }
            this.maxBatch = maxBatch;
            return this;
        }

        /**
         * Sets how many watch subscribers the client runs at once; default
         * {@value DbbrainClient#DEFAULT_MAX_WATCHES}. Each subscriber counts from its subscription until it
         * completes, fails or is cancelled, subscribers sharing a task too. One more fails fast with a
         * {@link DbbrainCapacityException} ({@code limitName()} {@code maxWatches}, not retried) instead of
         * queueing behind the others for the account's 20 requests per second: nothing is sent for it.
         *
         * <p>Why 10,000: far above what an application getting useful updates runs (at the API's 20 requests per
         * second, one round of polls over 10,000 tasks on distinct instances takes over 8 minutes), while a runaway
         * one (a loop resubscribing, streams opened for remote callers) is stopped at about 10 MB of heap (a watch
         * takes about 1 KB). A service that starts watches for remote callers should set what its budget serves:
         * tasks on distinct instances cost a request each per round, so about 20 × the update delay it accepts, in
         * seconds.
         *
         * @param maxWatches at least 1
         * @return this builder
         */
        public Builder maxWatches(int maxWatches) {
            if (maxWatches < 1) {
                throw new IllegalArgumentException("maxWatches must be at least 1, was " + maxWatches);
            }
            this.maxWatches = maxWatches;
            return this;
        }

        /**
         * Sets the options of watches started without options of their own; default {@link WatchOptions#defaults()}.
         *
         * @param options the options
         * @return this builder
         */
        public Builder watchOptions(WatchOptions options) {
            this.watchOptions = Objects.requireNonNull(options, "watchOptions must not be null");
            return this;
        }

        /**
         * Shares this client's watches with the other replicas of the service that use the same store: a task watched
         * on several replicas costs the account at most one DescribeProxySessionKillTasks per poll interval, the
         * tasks of one instance still batched, and a subscriber on any replica gets each state when one of them
         * polled it. Off by default. See {@link WatchSharing} for what it guarantees and how it fails (toward each
         * replica polling on its own, never toward a watch that stops).
         *
         * <pre>{@code
         * DbbrainClient client = DbbrainClient.builder()
         *         .watchSharing(RedisWatchSharing.builder("redis://redis.internal:6379").build())
         *         .build();
         * }</pre>
         *
         * Replicas share the polls of the account they sign as (a hash of the SecretId names the keys); replicas
         * with temporary credentials share the keys of no SecretId, as the Redis limiter's buckets do.
         *
         * @param sharing the sharing, from {@code dev.dbbrain.reactive.ratelimit.redis.RedisWatchSharing}, or
         *     {@code null} for none
         * @return this builder
         */
        public Builder watchSharing(WatchSharing sharing) {
            this.watchSharing = sharing;
            return this;
        }

        /**
         * Reports the client's requests, rate-limiter waits and watches to a metrics or tracing integration; none by
         * default. {@code dev.dbbrain.reactive.micrometer.DbbrainMicrometer} gives Micrometer meters and
         * observations; extend {@link DbbrainEventListener} for your own.
         *
         * <pre>{@code
         * DbbrainClient client = DbbrainClient.builder()
         *         .eventListener(DbbrainMicrometer.metrics(meterRegistry))
         *         .build();
         * }</pre>
         *
         * @param listener the listener, or {@code null} for none
         * @return this builder
         */
        public Builder eventListener(DbbrainEventListener listener) {
            this.listener = listener == null ? DbbrainEventListener.NONE : listener;
            return this;
        }

        /**
         * Validates the configuration and builds the client.
         *
         * @return a new client
         * @throws IllegalArgumentException if the endpoint is invalid or insecure without permission, or
         *     {@link #trustedCertificates(X509Certificate...)} is combined with {@link #httpClient(HttpClient)}
         */
        public DbbrainClient build() {
            if (httpClient != null && !trustedCertificates.isEmpty()) {
                throw new IllegalArgumentException("trustedCertificates configures the client's own connection pool;"
                        + " with httpClient(...) configure TLS on that HttpClient instead");
            }
            return new DbbrainClient(this, Endpoint.parse(endpoint, allowInsecureEndpoint));
        }
    }
}
