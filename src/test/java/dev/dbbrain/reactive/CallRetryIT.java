package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorAnswer;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Which failed calls are sent again: Describe on any transient failure; Create only when the service certainly did
 * not act on it; a signature refused for clock skew once, with the server's clock.
 */
class CallRetryIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Credentials CREDS = Credentials.of("AKIDretry", "retry-secret-key");
    private static final String CREATE = "CreateProxySessionKillTask";
    private static final String DESCRIBE = "DescribeProxySessionKillTasks";
    private static final EmulatorAnswer CREATED = EmulatorAnswer.created(42).withRequestId("req-ok");
    private static final EmulatorAnswer THROTTLED = EmulatorAnswer.error("RequestLimitExceeded", "slow down")
            .withRequestId("req-throttled");
    private static final EmulatorAnswer AUTH = EmulatorAnswer.error("AuthFailure.SignatureFailure", "no")
            .withRequestId("req-auth");
    private static final EmulatorAnswer EXPIRED = EmulatorAnswer.error("AuthFailure.SignatureExpire", "expired")
            .withRequestId("req-expired");
    /** The emulator's clock in the clock-skew tests: its answers carry {@code Date: Tue, 01 Dec 2026 10:00:00 GMT}. */
    private static final Instant SERVER_TIME = Instant.parse("2026-12-01T10:00:00Z");

    private DbbrainEmulator server;
    private DbbrainClient client;
    private final RateLimiter limiter = RateLimiter.builder().permitsPerSecond(1000).burst(10).build();

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /**
     * An emulator answering the n-th request of {@code action} (from 0) with {@code script[min(n, last)]}, and a
     * client for it; both on the system clock.
     */
    private void script(String action, EmulatorAnswer... script) {
        start(Clock.systemUTC(), Clock.systemUTC());
        enqueue(action, script);
    }

    /** Queues the answers and repeats the last one for ever after. */
    private void enqueue(String action, EmulatorAnswer... script) {
        server.enqueue(action, script);
        EmulatorAnswer last = script[script.length - 1];
        server.dispatcher(request -> last);
    }

    private void start(Clock serverClock, Clock clientClock) {
        server = DbbrainEmulator.builder().credentials(CREDS.secretId(), CREDS.secretKey()).clock(serverClock)
                .rateLimit(0).start();
        client = DbbrainClient.builder().endpoint(server.endpoint()).credentials(CREDS).rateLimiter(limiter)
                .clock(clientClock).maxRetries(3).retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20)).build();
    }

    /** The emulator on {@link #SERVER_TIME}, the client ten minutes behind it: its first signature has expired. */
    private void startTenMinutesBehindTheServer() {
        start(Clock.fixed(SERVER_TIME, ZoneOffset.UTC),
                Clock.fixed(SERVER_TIME.minus(Duration.ofMinutes(10)), ZoneOffset.UTC));
    }

    private static EmulatorAnswer status(int code) {
        return EmulatorAnswer.httpStatus(code, "text/html", "<html>gateway</html>");
    }

    /** HTTP 200 with a JSON Content-Type and this body, which need not be an envelope. */
    private static EmulatorAnswer json(String body) {
        return EmulatorAnswer.httpStatus(200, "application/json", body);
    }

    private Mono<CreateProxySessionKillTaskResponse> create() {
        return client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-retry001"));
    }

    private Mono<DescribeProxySessionKillTasksResponse> describe() {
        return client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-retry001", 1));
    }

    @Test
    void describeIsRetriedThroughGatewayErrorsResetsAndGarbledAnswers() {
        script(DESCRIBE, status(502), EmulatorAnswer.reset(), json("{not json"), EmulatorAnswer.tasks());
        StepVerifier.create(describe()).expectNextCount(1).expectComplete().verify(WAIT);
        assertThat(server.requestCount()).isEqualTo(4);
        assertThat(client.stats().retries()).isEqualTo(3);
    }

    @Test
    void describeGivesUpWithTheLastErrorWhenTheBudgetRunsOut() {
        script(DESCRIBE, status(503));
        StepVerifier.create(describe())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainHttpException.class))
                .verify(WAIT);
        assertThat(server.requestCount()).isEqualTo(4);
    }

    @Test
    void aCreateThatMayHaveReachedTheServiceIsNeverSentAgain() {
        for (EmulatorAnswer ambiguous : List.of(status(502), EmulatorAnswer.reset(), json("{not json"))) {
            script(CREATE, ambiguous, CREATED);
            StepVerifier.create(create())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainException.class)
                            .extracting(x -> ((DbbrainException) x).isRetryable()).isEqualTo(true))
                    .verify(WAIT);
            assertThat(server.requestCount()).as("requests after %s", ambiguous).isEqualTo(1);
            tearDown();
        }
    }

    @Test
    void aThrottledCreateIsSentAgainAndSlowsTheLimiterDown() {
        script(CREATE, THROTTLED, THROTTLED, CREATED);
        StepVerifier.create(create())
                .assertNext(r -> assertThat(r.asyncRequestId()).isEqualTo(42))
                .expectComplete()
                .verify(WAIT);
        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(client.stats().throttled()).isEqualTo(2);
        assertThat(limiter.state("CreateProxySessionKillTask").throttles()).isEqualTo(2);
        assertThat(limiter.state("CreateProxySessionKillTask").permitsPerSecond()).isLessThan(1000);
    }

    @Test
    void aThrottlingErrorReachesTheCallerOnlyWhenTheRetriesAreSpent() {
        script(DESCRIBE, THROTTLED);
        StepVerifier.create(describe())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(DbbrainApiException.class,
                        a -> assertThat(a.category()).isEqualTo(ErrorCategory.THROTTLED)))
                .verify(WAIT);
        assertThat(server.requestCount()).isEqualTo(4);
    }

    @Test
    void otherErrorsSurfaceAtOnceTypedWithCodeAndRequestId() {
        script(DESCRIBE, AUTH, EmulatorAnswer.tasks());
        StepVerifier.create(describe())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(DbbrainApiException.class, a -> {
                    assertThat(a.code()).isEqualTo("AuthFailure.SignatureFailure");
                    assertThat(a.requestId()).isEqualTo("req-auth");
                    assertThat(a.action()).isEqualTo("DescribeProxySessionKillTasks");
                }))
                .verify(WAIT);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void signatureExpiredIsRetriedOnceWithTheServersClock() {
        // Nothing scripted: the emulator itself refuses the first signature, ten minutes old, with its Date.
        startTenMinutesBehindTheServer();
        StepVerifier.create(create()).expectNextCount(1).expectComplete().verify(WAIT);
        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(server.takeRequest(WAIT).signatureVerified()).as("ten minutes off: refused").isFalse();
        assertThat(server.takeRequest(WAIT).timestamp()).contains(SERVER_TIME);
        assertThat(client.stats().clockCorrections()).isEqualTo(1);
    }

    @Test
    void signatureExpiredTwiceOrWithoutADateReachesTheCaller() {
        // Refused by the emulator, then, on the server's clock, refused again by the script (with the same Date).
        startTenMinutesBehindTheServer();
        enqueue(CREATE, EXPIRED);
        StepVerifier.create(create())
                .expectErrorSatisfies(e -> assertThat(((DbbrainApiException) e).code())
                        .isEqualTo("AuthFailure.SignatureExpire"))
                .verify(WAIT);
        assertThat(server.requestCount()).isEqualTo(2);
        tearDown();
        // A raw answer carries no Date header: nothing to correct the clock with.
        byte[] expired = ("{\"Response\":{\"Error\":{\"Code\":\"AuthFailure.SignatureExpire\",\"Message\":"
                + "\"expired\"},\"RequestId\":\"req-expired\"}}").getBytes(StandardCharsets.UTF_8);
        script(CREATE, EmulatorAnswer.raw(200, Map.of("Content-Type", "application/json",
                "Content-Length", Integer.toString(expired.length)), expired));
        StepVerifier.create(create()).expectError(DbbrainApiException.class).verify(WAIT);
        assertThat(server.requestCount()).isEqualTo(1);
    }
}
