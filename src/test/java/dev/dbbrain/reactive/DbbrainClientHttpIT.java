package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.internal.Tc3Signer;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.testing.ScriptedServer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;

/** The client against a scripted real server: what goes on the wire, and every HTTP-level failure mapped. */
class DbbrainClientHttpIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CREATED = "{\"Response\":{\"AsyncRequestId\":42,\"RequestId\":\"req-42\"}}";
    private static final Credentials CREDS = Credentials.of("AKIDtest", "test-secret-key", "test-token");

    private ScriptedServer server;
    private DbbrainClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private DbbrainClient.Builder clientFor(ScriptedServer s) {
        // One request per call, unthrottled by the client: these tests look at how single answers are read.
        return DbbrainClient.builder().endpoint(s.endpoint()).credentials(CREDS).maxRetries(0)
                .rateLimiter(RateLimiter.unlimited());
    }

    private static ScriptedServer answering(int status, String contentType, String body) {
        return ScriptedServer.start((req, res) -> res.status(status).header("Content-Type", contentType)
                .sendString(Mono.just(body)).then());
    }

    @Test
    void sentHeadersAreExactlyWhatWasSignedIncludingHostWithPort() {
        server = answering(200, "application/json", CREATED);
        Clock clock = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);
        client = clientFor(server).clock(clock).region("ap-guangzhou").language(Language.EN_US).build();

        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-abcd1234")))
                .assertNext(r -> {
                    assertThat(r.asyncRequestId()).isEqualTo(42);
                    assertThat(r.requestId()).isEqualTo("req-42");
                })
                .verifyComplete();

        ScriptedServer.Received sent = server.received().get(0);
        HttpHeaders h = sent.headers();
        String host = server.endpoint().substring("http://".length());
        assertThat(h.get("Host")).isEqualTo(host);
        assertThat(h.get("Content-Type")).isEqualTo("application/json; charset=utf-8");
        assertThat(h.get("X-TC-Action")).isEqualTo("CreateProxySessionKillTask");
        assertThat(h.get("X-TC-Version")).isEqualTo("2021-05-27");
        assertThat(h.get("X-TC-Timestamp")).isEqualTo(Long.toString(clock.instant().getEpochSecond()));
        assertThat(h.get("X-TC-Region")).isEqualTo("ap-guangzhou");
        assertThat(h.get("X-TC-Language")).isEqualTo("en-US");
        assertThat(h.get("X-TC-Token")).isEqualTo("test-token");
        assertThat(h.get("X-TC-RequestClient")).isEqualTo("dbbrain-reactive/" + DbbrainClient.version())
                .doesNotContain("${");
        assertThat(new String(sent.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"InstanceId\":\"crs-abcd1234\",\"Product\":\"redis\"}");

        TreeMap<String, String> signed = new TreeMap<>();
        signed.put("content-type", h.get("Content-Type"));
        signed.put("host", h.get("Host"));
        long ts = clock.instant().getEpochSecond();
        String date = Tc3Signer.utcDate(ts);
        String signature = Tc3Signer.signature("test-secret-key", date, "dbbrain",
                Tc3Signer.stringToSign(ts, date, "dbbrain", Tc3Signer.canonicalRequest(signed, sent.body())));
        assertThat(h.get("Authorization")).isEqualTo(Tc3Signer.authorizationHeader("AKIDtest", date, "dbbrain",
                "content-type;host", signature));
    }

    @Test
    void actionHeaderIsSignedWhenAsked() {
        server = answering(200, "application/json", CREATED);
        client = clientFor(server).signActionHeader(true).build();
        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-abcd1234")))
                .expectNextCount(1).verifyComplete();
        assertThat(server.received().get(0).headers().get("Authorization"))
                .contains("SignedHeaders=content-type;host;x-tc-action");
    }

    @Test
    void callsAreColdAndEachSubscriptionSendsOneRequest() {
        server = answering(200, "application/json", CREATED);
        client = clientFor(server).build();
        Mono<CreateProxySessionKillTaskResponse> create =
                client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-abcd1234"));
        assertThat(server.received()).isEmpty();
        StepVerifier.create(create.repeat(2)).expectNextCount(3).verifyComplete();
        assertThat(server.received()).hasSize(3);
    }

    @Test
    void gatewayErrorWithHtmlBecomesHttpExceptionWithStatusAndSnippet() {
        server = answering(502, "text/html", "<html><head><title>502 Bad Gateway</title></head><body>"
                + "x".repeat(5000) + "</body></html>");
        client = clientFor(server).build();
        StepVerifier.create(client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-1", 1L)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(DbbrainHttpException.class, h -> {
                    assertThat(h.status()).isEqualTo(502);
                    assertThat(h.bodySnippet()).startsWith("<html><head><title>502 Bad Gateway").hasSize(512);
                    assertThat(h.action()).isEqualTo("DescribeProxySessionKillTasks");
                    assertThat(h.category()).isEqualTo(ErrorCategory.TRANSIENT);
                }))
                .verify(WAIT);
    }

    @Test
    void declaredOversizeBodyIsRefusedWithoutReadingIt() {
        server = answering(200, "application/json", "{\"Response\":{\"RequestId\":\"" + "y".repeat(4000) + "\"}}");
        client = clientFor(server).maxResponseSize(1024).build();
        StepVerifier.create(client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-1", 1L)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainDecodingException.class)
                        .hasMessageContaining("maximum response size of 1024"))
                .verify(WAIT);
    }

    @Test
    void chunkedBodyPastTheCapIsCutOffWhileStreaming() {
        server = ScriptedServer.start((req, res) -> res.header("Content-Type", "application/json")
                .sendString(Flux.range(0, 10_000).map(i -> "0123456789abcdef".repeat(64))).then());
        client = clientFor(server).maxResponseSize(64 * 1024).build();
        StepVerifier.create(client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-1", 1L)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainDecodingException.class)
                        .hasMessageContaining("maximum response size"))
                .verify(WAIT);
    }

    @Test
    void serverThatNeverAnswersEndsInATransportTimeout() {
        server = ScriptedServer.start((req, res) -> Mono.never());
        client = clientFor(server).responseTimeout(Duration.ofMillis(300)).build();
        StepVerifier.create(client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-1", 1L)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainTransportException.class)
                        .hasMessageContaining("response timeout").hasCauseInstanceOf(ReadTimeoutException.class))
                .verify(WAIT);
    }

    @Test
    void responseThatStallsMidBodyEndsInATransportTimeout() {
        server = ScriptedServer.start((req, res) -> res.header("Content-Type", "application/json")
                .header("Content-Length", "1000")
                .sendString(Flux.concat(Mono.just("{\"Response\":{\"Tasks\":["), Mono.never())).then());
        client = clientFor(server).responseTimeout(Duration.ofMillis(300)).build();
        StepVerifier.create(client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-1", 1L)))
                .expectError(DbbrainTransportException.class)
                .verify(WAIT);
    }

    @Test
    void refusedConnectionBecomesTransportExceptionKeepingTheCause() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        client = DbbrainClient.builder().endpoint("http://127.0.0.1:" + port).credentials(CREDS)
                .rateLimiter(RateLimiter.unlimited()).maxRetries(2)
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(20)).build();
        // A refused connection certainly carried nothing: even a Create is retried, and says so when it gives up.
        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(DbbrainTransportException.class).hasMessageContaining("refused");
                    assertThat(e).hasRootCauseInstanceOf(ConnectException.class);
                    assertThat(((DbbrainException) e).isRetryable()).isTrue();
                    assertThat(((DbbrainTransportException) e).requestSent()).isFalse();
                })
                .verify(WAIT);
        assertThat(client.stats().retries()).isEqualTo(2);
        assertThat(client.stats().requests()).isEqualTo(3);
    }

    @Test
    void connectionClosedBeforeTheAnswerBecomesTransportException() {
        server = ScriptedServer.start((req, res) -> res.withConnection(c -> c.channel().close()).then());
        client = clientFor(server).build();
        StepVerifier.create(client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-1", 1L)))
                .expectError(DbbrainTransportException.class)
                .verify(WAIT);
    }

    @Test
    void missingCredentialsFailTheCallWithoutSendingAnything() {
        server = answering(200, "application/json", CREATED);
        client = DbbrainClient.builder().endpoint(server.endpoint()).credentialsProvider(
                () -> Mono.error(new DbbrainCredentialsException("nothing here"))).build();
        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                .expectErrorMessage("nothing here").verify(WAIT);
        DbbrainClient empty = DbbrainClient.builder().endpoint(server.endpoint()).credentialsProvider(Mono::empty).build();
        StepVerifier.create(empty.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                .expectError(DbbrainCredentialsException.class).verify(WAIT);
        empty.close();
        assertThat(server.received()).isEmpty();
    }

    @Test
    void nullRequestIsAnErrorSignalNotAThrow() {
        client = DbbrainClient.builder().credentials(CREDS).build();
        StepVerifier.create(client.createProxySessionKillTask(null))
                .expectErrorMessage("request must not be null").verify(WAIT);
        StepVerifier.create(client.describeProxySessionKillTasks(null))
                .expectError(NullPointerException.class).verify(WAIT);
    }

    @Test
    void closeReleasesTheOwnedPoolButNeverASuppliedClient() {
        server = answering(200, "application/json", CREATED);
        AtomicInteger disposed = new AtomicInteger();
        ConnectionProvider userPool = ConnectionProvider.create("user-pool", 4);
        HttpClient userHttp = HttpClient.create(userPool).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000);
        DbbrainClient withUserClient = clientFor(server).httpClient(userHttp).build();
        StepVerifier.create(withUserClient.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                .expectNextCount(1).verifyComplete();
        withUserClient.close();
        assertThat(userPool.isDisposed()).isFalse();
        StepVerifier.create(DbbrainClient.builder().endpoint(server.endpoint()).credentials(CREDS).httpClient(userHttp)
                        .build().createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                .expectNextCount(1).verifyComplete();
        userPool.disposeLater().doOnSuccess(v -> disposed.incrementAndGet()).block(WAIT);
        assertThat(disposed).hasValue(1);

        client = clientFor(server).build();
        client.close();
        client.close();
        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                .expectErrorMessage("this DbbrainClient is closed").verify(WAIT);
    }

    @Test
    void builderRefusesBadSettingsNamingThem() {
        assertThatThrownBy(() -> DbbrainClient.builder().responseTimeout(Duration.ZERO))
                .hasMessageContaining("responseTimeout");
        assertThatThrownBy(() -> DbbrainClient.builder().maxResponseSize(10)).hasMessageContaining("maxResponseSize");
        assertThatThrownBy(() -> DbbrainClient.builder().endpoint("http://example.com").build())
                .hasMessageContaining("allowInsecureEndpoint");
        assertThatThrownBy(() -> DbbrainClient.builder().region("ap guangzhou")).hasMessageContaining("region");
        assertThat(DbbrainClient.builder().credentials(CREDS).build().toString())
                .contains("https://dbbrain.tencentcloudapi.com/").doesNotContain("test-secret-key");
    }
}
