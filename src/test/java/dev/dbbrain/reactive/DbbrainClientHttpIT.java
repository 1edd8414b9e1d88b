package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorAnswer;
import dev.dbbrain.reactive.emulator.RecordedRequest;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;

/**
 * The client against the scripted emulator: what goes on the wire (recorded by the emulator, whose signature check
 * is the client's proof of signing exactly what it sent), and every HTTP-level failure mapped.
 */
class DbbrainClientHttpIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final EmulatorAnswer CREATED = EmulatorAnswer.created(42).withRequestId("req-42");
    private static final Credentials CREDS = Credentials.of("AKIDtest", "test-secret-key", "test-token");

    private DbbrainEmulator server;
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

    private DbbrainClient.Builder clientFor(DbbrainEmulator s) {
        // One request per call, unthrottled by the client: these tests look at how single answers are read.
        return DbbrainClient.builder().endpoint(s.endpoint()).credentials(CREDS).maxRetries(0)
                .rateLimiter(RateLimiter.unlimited());
    }

    /**
     * An emulator that accepts {@link #CREDS} (the token included; the Host exactly as signed) and answers every
     * request that passes with {@code answer}.
     */
    private static DbbrainEmulator answering(EmulatorAnswer answer) {
        return answering(answer, Clock.systemUTC());
    }

    private static DbbrainEmulator answering(EmulatorAnswer answer, Clock clock) {
        DbbrainEmulator emulator = DbbrainEmulator.builder().temporaryCredentials(CREDS.secretId(), CREDS.secretKey(),
                CREDS.token().orElseThrow()).clock(clock).strictHostMatching(true).rateLimit(0).start();
        emulator.dispatcher(request -> answer);
        return emulator;
    }

    private static DbbrainEmulator answering(int status, String contentType, String body) {
        return answering(EmulatorAnswer.httpStatus(status, contentType, body));
    }

    @Test
    void sentHeadersAreExactlyWhatWasSignedIncludingHostWithPort() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);
        server = answering(CREATED, clock);
        client = clientFor(server).clock(clock).region("ap-guangzhou").language(Language.EN_US).build();

        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-abcd1234")))
                .assertNext(r -> {
                    assertThat(r.asyncRequestId()).isEqualTo(42);
                    assertThat(r.requestId()).isEqualTo("req-42");
                })
                .verifyComplete();

        assertThat(server.requestCount()).isEqualTo(1);
        RecordedRequest sent = server.takeRequest(WAIT);
        String host = server.endpoint().substring("http://".length());
        assertThat(sent.header("Host")).contains(host);
        assertThat(sent.header("Content-Type")).contains("application/json; charset=utf-8");
        assertThat(sent.header("X-TC-Action")).contains("CreateProxySessionKillTask");
        assertThat(sent.header("X-TC-Version")).contains("2021-05-27");
        assertThat(sent.header("X-TC-Timestamp")).contains(Long.toString(clock.instant().getEpochSecond()));
        assertThat(sent.header("X-TC-Region")).contains("ap-guangzhou");
        assertThat(sent.header("X-TC-Language")).contains("en-US");
        assertThat(sent.header("X-TC-RequestClient")).contains("dbbrain-reactive/" + DbbrainClient.version())
                .hasValueSatisfying(v -> assertThat(v).doesNotContain("${"));
        assertThat(new String(sent.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"InstanceId\":\"crs-abcd1234\",\"Product\":\"redis\"}");

        // The Authorization: TC3-HMAC-SHA256 by AKIDtest over exactly content-type and host, which the emulator
        // recomputed from the headers and body it received, the Host as received (strict host matching), with
        // the credential scope 2026-11-28/dbbrain/tc3_request; and X-TC-Token test-token, which it requires of
        // this temporary key pair. It records neither the signature nor the token.
        assertThat(sent.secretId()).contains("AKIDtest");
        assertThat(sent.signatureMethod()).contains("TC3-HMAC-SHA256");
        assertThat(sent.signedHeaders()).containsExactly("content-type", "host");
        assertThat(sent.signatureVerified()).isTrue();
    }

    @Test
    void actionHeaderIsSignedWhenAsked() {
        server = answering(CREATED);
        client = clientFor(server).signActionHeader(true).build();
        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-abcd1234")))
                .expectNextCount(1).verifyComplete();
        RecordedRequest sent = server.takeRequest(WAIT);
        assertThat(sent.signedHeaders()).containsExactly("content-type", "host", "x-tc-action");
        assertThat(sent.signatureVerified()).isTrue();
    }

    @Test
    void callsAreColdAndEachSubscriptionSendsOneRequest() {
        server = answering(CREATED);
        client = clientFor(server).build();
        Mono<CreateProxySessionKillTaskResponse> create =
                client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-abcd1234"));
        assertThat(server.requestCount()).isZero();
        StepVerifier.create(create.repeat(2)).expectNextCount(3).verifyComplete();
        assertThat(server.requestCount()).isEqualTo(3);
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
        // Ten million bytes, with no Content-Length: sent with chunked transfer coding, in pieces.
        server = answering(EmulatorAnswer.raw(200, Map.of("Content-Type", "application/json"),
                "0123456789abcdef".repeat(64 * 10_000).getBytes(StandardCharsets.US_ASCII)));
        client = clientFor(server).maxResponseSize(64 * 1024).build();
        StepVerifier.create(client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-1", 1L)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainDecodingException.class)
                        .hasMessageContaining("maximum response size"))
                .verify(WAIT);
    }

    @Test
    void serverThatNeverAnswersEndsInATransportTimeout() {
        server = answering(EmulatorAnswer.noAnswer());
        client = clientFor(server).responseTimeout(Duration.ofMillis(300)).build();
        StepVerifier.create(client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-1", 1L)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainTransportException.class)
                        .hasMessageContaining("response timeout").hasCauseInstanceOf(ReadTimeoutException.class))
                .verify(WAIT);
    }

    @Test
    void responseThatStallsMidBodyEndsInATransportTimeout() {
        // A thousand bytes declared, 23 sent: the body stalls.
        server = answering(EmulatorAnswer.raw(200, Map.of("Content-Type", "application/json", "Content-Length", "1000"),
                "{\"Response\":{\"Tasks\":[".getBytes(StandardCharsets.UTF_8)));
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
        server = answering(EmulatorAnswer.disconnect());
        client = clientFor(server).build();
        StepVerifier.create(client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-1", 1L)))
                .expectError(DbbrainTransportException.class)
                .verify(WAIT);
    }

    @Test
    void missingCredentialsFailTheCallWithoutSendingAnything() {
        server = answering(CREATED);
        client = DbbrainClient.builder().endpoint(server.endpoint()).credentialsProvider(
                () -> Mono.error(new DbbrainCredentialsException("nothing here"))).build();
        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                .expectErrorMessage("nothing here").verify(WAIT);
        DbbrainClient empty = DbbrainClient.builder().endpoint(server.endpoint()).credentialsProvider(Mono::empty).build();
        StepVerifier.create(empty.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                .expectError(DbbrainCredentialsException.class).verify(WAIT);
        empty.close();
        assertThat(server.requestCount()).isZero();
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
        server = answering(CREATED);
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
