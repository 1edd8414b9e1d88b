package dev.dbbrain.reactive.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DbbrainCredentialsException;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksRequest;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.util.retry.Retry;

/**
 * The CVM instance-role provider against a fake metadata service: a Reactor Netty server on a loopback port that
 * answers the role name, then that role's credentials, as the real one does. Nothing here contacts the real
 * metadata host.
 *
 * <p>The fake is this class's own ({@link MetadataService}), not the DBbrain emulator: its subject is the CVM
 * metadata endpoint ({@code GET /latest/meta-data/cam/security-credentials/...}, plain-text and JSON answers, no
 * signature), an API the emulator does not serve. The DBbrain side of the last test is the emulator.
 */
class InstanceRoleCredentialsIT {

    private static final String LIST = "/latest/meta-data/cam/security-credentials/";
    private static final String ROLE = "dbbrain-ops";
    private static final Instant START = Instant.parse("2026-11-28T00:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();
    /** The answer to the credentials request, given the number of that request (1, 2, …). */
    private final AtomicReference<Function<Integer, String>> credentialsAnswer = new AtomicReference<>(
            n -> credentialsJson("AKIDrole" + n, "role-key-" + n, "role-token-" + n, START.plus(Duration.ofHours(2))));
    private MetadataService metadata;

    InstanceRoleCredentialsIT() {
        time.advanceTimeTo(START);
    }

    @AfterEach
    void stop() {
        if (metadata != null) {
            metadata.close();
        }
        time.dispose();
    }

    static String credentialsJson(String id, String key, String token, Instant expiration) {
        return "{\"TmpSecretId\":\"" + id + "\",\"TmpSecretKey\":\"" + key + "\",\"ExpiredTime\":"
                + expiration.getEpochSecond() + ",\"Expiration\":\"" + expiration + "\",\"Token\":\"" + token
                + "\",\"Code\":\"Success\"}";
    }

    /** A metadata service answering the role list with {@link #ROLE} and the role with {@link #credentialsAnswer}. */
    private String startMetadata() {
        metadata = MetadataService.start((req, res) -> {
            String path = req.uri();
            paths.add(path);
            if (path.equals(LIST)) {
                return text(res, 200, ROLE);
            }
            if (path.equals(LIST + ROLE)) {
                return text(res, 200, credentialsAnswer.get().apply(issued.incrementAndGet()));
            }
            return text(res, 404, "<html>404 Not Found</html>");
        });
        return metadata.endpoint();
    }

    private static Publisher<Void> text(HttpServerResponse res, int status, String body) {
        return res.status(HttpResponseStatus.valueOf(status)).sendString(Mono.just(body)).then();
    }

    /** The provider on the virtual clock, default margin and retries. */
    private RefreshingCredentialsProvider provider(String endpoint) {
        InstanceRoleCredentials fetch = new InstanceRoleCredentials(endpoint, Duration.ofSeconds(1),
                Duration.ofSeconds(2));
        return RefreshingCredentialsProvider.withDefaults(fetch.toString(), fetch::fetch, time);
    }

    /** The provider with no retries, so that an error arrives after one attempt. */
    private RefreshingCredentialsProvider oneAttempt(String endpoint, Duration responseTimeout) {
        InstanceRoleCredentials fetch = new InstanceRoleCredentials(endpoint, Duration.ofSeconds(1), responseTimeout);
        return new RefreshingCredentialsProvider(fetch.toString(), Mono.defer(fetch::fetch),
                RefreshingCredentialsProvider.DEFAULT_REFRESH_BEFORE, Retry.max(0), time);
    }

    @Test
    void roleNameThenItsCredentialsWithTokenAndExpiryThenServedFromCache() {
        RefreshingCredentialsProvider provider = provider(startMetadata());
        Credentials c = provider.resolveCredentials().block(WAIT);
        assertThat(c.secretId()).isEqualTo("AKIDrole1");
        assertThat(c.secretKey()).isEqualTo("role-key-1");
        assertThat(c.token()).contains("role-token-1");
        assertThat(c.expiration()).contains(START.plus(Duration.ofHours(2)));
        assertThat(paths).containsExactly(LIST, LIST + ROLE);
        time.advanceTimeBy(Duration.ofMinutes(90));
        assertThat(provider.resolveCredentials().block(WAIT)).isEqualTo(c);
        assertThat(paths).hasSize(2);
        assertThat(provider.toString()).contains(metadata.endpoint()).doesNotContain("role-key", "role-token");
    }

    @Test
    void credentialsAreRefreshedBeforeTheyExpire() {
        credentialsAnswer.set(n -> credentialsJson("AKIDrole" + n, "role-key-" + n, "role-token-" + n,
                Instant.ofEpochMilli(time.now(TimeUnit.MILLISECONDS)).plus(Duration.ofHours(2))));
        RefreshingCredentialsProvider provider = provider(startMetadata());
        assertThat(provider.resolveCredentials().block(WAIT).secretId()).isEqualTo("AKIDrole1");
        time.advanceTimeBy(Duration.ofHours(2).minusMinutes(4));
        // Due: still the first credentials at once, while the refresh runs.
        assertThat(provider.resolveCredentials().block(WAIT).secretId()).isEqualTo("AKIDrole1");
        awaitReal(() -> "AKIDrole2".equals(provider.resolveCredentials().block(WAIT).secretId()));
        assertThat(issued).hasValue(2);
        assertThat(paths).containsExactly(LIST, LIST + ROLE, LIST, LIST + ROLE);
    }

    @Test
    void metadataServiceThatNeverAnswersEndsInATypedTimeoutError() {
        metadata = MetadataService.start((req, res) -> Mono.never());
        RefreshingCredentialsProvider provider = oneAttempt(metadata.endpoint(), Duration.ofMillis(300));
        StepVerifier.create(provider.resolveCredentials())
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(DbbrainCredentialsException.class)
                            .hasMessageContaining("CVM instance metadata")
                            .hasMessageContaining("no response within the response timeout of PT0.3S");
                    assertThat(((DbbrainCredentialsException) e).notFound()).isFalse();
                })
                .verify(WAIT);
    }

    @Test
    void unreachableMetadataServiceMeansNotOnCvmSoAChainMovesOnWithoutRetrying() {
        String closed = closedPortEndpoint();
        RefreshingCredentialsProvider provider = provider(closed);
        StepVerifier.create(provider.resolveCredentials())
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(DbbrainCredentialsException.class)
                            .hasMessageContaining("not reachable");
                    assertThat(((DbbrainCredentialsException) e).notFound()).isTrue();
                })
                .verify(WAIT);
        Credentials fallback = Credentials.of("AKIDfallback", "fallback-key");
        StepVerifier.create(CredentialsProvider.chain(provider(closed), CredentialsProvider.of(fallback))
                        .resolveCredentials())
                .expectNext(fallback).expectComplete().verify(WAIT);
    }

    @Test
    void instanceWithoutRoleIsNotFoundAndAChainReportsIt() {
        metadata = MetadataService.start((req, res) -> text(res, 404, "<html>404 Not Found</html>"));
        StepVerifier.create(CredentialsProvider.chain(new EnvironmentCredentialsProvider(java.util.Map.of()),
                        provider(metadata.endpoint())).resolveCredentials())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainCredentialsException.class)
                        .hasMessageContaining("No Tencent Cloud credentials found")
                        .hasMessageContaining("TENCENTCLOUD_SECRET_ID")
                        .hasMessageContaining("no CAM role is bound"))
                .verify(WAIT);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "HTTP 500              | 500 | {\"Code\":\"Success\"}                                    | answered HTTP 500",
        "Code is not Success   | 200 | {\"Code\":\"Failure\",\"TmpSecretId\":\"AKID\"}          | answered Code `Failure` instead of Success",
        "not JSON              | 200 | <html>oops</html>                                         | did not answer a JSON object",
        "truncated JSON        | 200 | {\"Code\":\"Success\",\"TmpSecretId\":\"AK                | did not answer a JSON object",
        "JSON array            | 200 | [1,2,3]                                                   | did not answer a JSON object",
        "no Token              | 200 | {\"Code\":\"Success\",\"TmpSecretId\":\"AKID\",\"TmpSecretKey\":\"k\",\"ExpiredTime\":1}| answered no Token",
        "ExpiredTime as text   | 200 | {\"Code\":\"Success\",\"TmpSecretId\":\"AKID\",\"TmpSecretKey\":\"k\",\"Token\":\"t\",\"ExpiredTime\":\"soon\"} | answered no ExpiredTime",
        "deeply nested         | 200 | [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]] | did not answer a JSON object",
    })
    void hostileCredentialAnswersEndInTypedErrors(String what, int status, String body, String expected) {
        credentialsAnswer.set(n -> body);
        String endpoint = startMetadataWithStatus(status);
        StepVerifier.create(oneAttempt(endpoint, Duration.ofSeconds(2)).resolveCredentials())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainCredentialsException.class)
                        .hasMessageContaining(LIST + ROLE).hasMessageContaining(expected))
                .verify(WAIT);
    }

    @Test
    void oversizedAnswerAndAHostileRoleNameAreRefused() {
        String huge = "x".repeat(1024 * 1024);
        metadata = MetadataService.start((req, res) -> text(res, 200, req.uri().equals(LIST) ? ROLE : huge));
        StepVerifier.create(oneAttempt(metadata.endpoint(), Duration.ofSeconds(2)).resolveCredentials())
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("larger than 16384 bytes"))
                .verify(WAIT);
        metadata.close();
        metadata = MetadataService.start((req, res) -> text(res, 200, "../../admin?x=1"));
        StepVerifier.create(oneAttempt(metadata.endpoint(), Duration.ofSeconds(2)).resolveCredentials())
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("not a role name"))
                .verify(WAIT);
    }

    @Test
    void roleCredentialsSignRequestsAndTheirTokenTravelsAsXTcToken() {
        Instant expiry = Instant.now().plus(Duration.ofHours(2));
        credentialsAnswer.set(n -> credentialsJson("AKIDrole", "role-key", "role-token", expiry));
        String endpoint = startMetadata();
        try (DbbrainEmulator emulator = DbbrainEmulator.builder()
                .temporaryCredentials("AKIDrole", "role-key", "role-token").start();
                DbbrainClient client = DbbrainClient.builder().endpoint(emulator.endpoint())
                        .credentialsProvider(CredentialsProvider.instanceRole(endpoint))
                        .rateLimiter(RateLimiter.unlimited()).build()) {
            long id = client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-role0001"))
                    .block(WAIT).asyncRequestId();
            assertThat(client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-role0001",
                    id)).block(WAIT).tasks()).hasSize(1);
            assertThat(emulator.stats().errors()).isEmpty();
            assertThat(issued).as("one fetch serves every request").hasValue(1);
        }
        // The control: the same key pair with another token is refused by the emulator, so the token was checked.
        credentialsAnswer.set(n -> credentialsJson("AKIDrole", "role-key", "stolen-token", expiry));
        try (DbbrainEmulator emulator = DbbrainEmulator.builder()
                .temporaryCredentials("AKIDrole", "role-key", "role-token").start();
                DbbrainClient client = DbbrainClient.builder().endpoint(emulator.endpoint())
                        .credentialsProvider(CredentialsProvider.instanceRole(endpoint))
                        .rateLimiter(RateLimiter.unlimited()).build()) {
            StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-role0001")))
                    .expectErrorSatisfies(e -> assertThat(((DbbrainApiException) e).code())
                            .isEqualTo("AuthFailure.TokenFailure"))
                    .verify(WAIT);
        }
    }

    private String startMetadataWithStatus(int status) {
        metadata = MetadataService.start((req, res) -> req.uri().equals(LIST) ? text(res, 200, ROLE)
                : text(res, status, credentialsAnswer.get().apply(issued.incrementAndGet())));
        return metadata.endpoint();
    }

    /**
     * A fake CVM metadata service on a loopback port: a Reactor Netty server that reads each request whole and
     * answers it with {@code handler}.
     */
    private static final class MetadataService implements AutoCloseable {

        private final DisposableServer server;

        private MetadataService(BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
            this.server = HttpServer.create().host("127.0.0.1").port(0)
                    .handle((req, res) -> req.receive().then(Mono.defer(() -> Mono.from(handler.apply(req, res)))))
                    .bindNow(WAIT);
        }

        static MetadataService start(BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
            return new MetadataService(handler);
        }

        String endpoint() {
            return "http://127.0.0.1:" + server.port();
        }

        @Override
        public void close() {
            server.disposeNow(WAIT);
        }
    }

    /** A loopback endpoint nobody listens on: bound once to get a free port, then closed. */
    private static String closedPortEndpoint() {
        DisposableServer probe = HttpServer.create().host("127.0.0.1").port(0).bindNow(WAIT);
        int port = probe.port();
        probe.disposeNow(WAIT);
        return "http://127.0.0.1:" + port;
    }

    private static void awaitReal(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
