package dev.dbbrain.reactive;

import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The reactive client for DBbrain's Redis proxy session-kill tasks (API version 2021-05-27).
 *
 * <p>Immutable and thread-safe: build one and share it. Every method is cold and lazy: nothing is sent before
 * subscription, and each subscription sends exactly one signed request. Failures arrive as {@link DbbrainException}
 * subtypes through {@code onError}; methods never throw. No method blocks a thread.
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

    private static final String VERSION = loadVersion();

    private final ApiTransport transport;
    private final JsonCodec codec;
    private final ConnectionProvider ownedProvider;
    private final String region;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DbbrainClient(Builder b, Endpoint endpoint) {
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
        } else {
            ownedProvider = null;
        }
        CredentialsProvider credentials = b.credentialsProvider != null ? b.credentialsProvider
                : CredentialsProvider.defaultChain();
        this.region = b.region;
        this.codec = new JsonCodec(b.maxResponseSize, b.serverTimeZone);
        this.transport = new ApiTransport(http, endpoint, credentials, b.clock, b.region, b.language,
                "dbbrain-reactive/" + VERSION, b.responseTimeout, b.maxResponseSize, b.signActionHeader);
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
     * <p>Not idempotent: each subscription creates a new task. The returned Mono is not retried by this client; if
     * it fails with a {@link DbbrainTransportException} the task may or may not have been created.
     *
     * @param request the instance (and optionally one proxy) to act on
     * @return a Mono emitting the new task's {@code AsyncRequestId}
     */
    public Mono<CreateProxySessionKillTaskResponse> createProxySessionKillTask(
            CreateProxySessionKillTaskRequest request) {
        if (request == null) {
            return Mono.error(new NullPointerException("request must not be null"));
        }
        return call(ApiAction.CREATE, () -> codec.encode(request), codec::decodeCreate);
    }

    /**
     * Reports the state of some session-kill tasks of an instance. Read-only, so safe to retry.
     *
     * @param request the instance and task IDs
     * @return a Mono emitting the tasks the service knows; unknown IDs are absent from the list
     */
    public Mono<DescribeProxySessionKillTasksResponse> describeProxySessionKillTasks(
            DescribeProxySessionKillTasksRequest request) {
        if (request == null) {
            return Mono.error(new NullPointerException("request must not be null"));
        }
        return call(ApiAction.DESCRIBE, () -> codec.encode(request), codec::decodeDescribe);
    }

    private <T> Mono<T> call(ApiAction action, Supplier<byte[]> body, Function<byte[], T> decoder) {
        return Mono.defer(() -> {
            if (closed.get()) {
                return Mono.error(new IllegalStateException("this DbbrainClient is closed"));
            }
            return transport.call(action, body.get(), decoder);
        });
    }

    /**
     * Releases what this client created: its connection pool when no {@code HttpClient} was supplied. A supplied
     * {@code HttpClient} and its resources stay untouched. Idempotent and non-blocking; calls made afterwards fail
     * with {@link IllegalStateException}.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && ownedProvider != null) {
            ownedProvider.disposeLater().subscribe();
        }
    }

    /** Shows the endpoint and region; never credentials. */
    @Override
    public String toString() {
        return "DbbrainClient[endpoint=" + transport.endpoint() + ", region=" + region + "]";
    }

    /**
     * Returns this library's version, as sent in {@code X-TC-RequestClient}.
     *
     * @return the version, such as {@code 0.1.0}
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
        private int maxConnections = 50;
        private int maxResponseSize = DEFAULT_MAX_RESPONSE_SIZE;
        private ZoneId serverTimeZone = ZoneOffset.ofHours(8);
        private boolean signActionHeader;

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
         * {@link DbbrainClient#close()} leaves it untouched. The response timeout still applies to every request.
         *
         * @param httpClient the client
         * @return this builder
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient must not be null");
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
         * Validates the configuration and builds the client.
         *
         * @return a new client
         * @throws IllegalArgumentException if the endpoint is invalid or insecure without permission
         */
        public DbbrainClient build() {
            return new DbbrainClient(this, Endpoint.parse(endpoint, allowInsecureEndpoint));
        }
    }
}
