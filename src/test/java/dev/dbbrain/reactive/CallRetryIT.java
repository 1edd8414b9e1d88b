package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.testing.ScriptedServer;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.test.StepVerifier;

/**
 * Which failed calls are sent again: Describe on any transient failure; Create only when the service certainly did
 * not act on it; a signature refused for clock skew once, with the server's clock.
 */
class CallRetryIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Credentials CREDS = Credentials.of("AKIDretry", "retry-secret-key");
    private static final String CREATED = "{\"Response\":{\"AsyncRequestId\":42,\"RequestId\":\"req-ok\"}}";
    private static final String DESCRIBED = "{\"Response\":{\"Tasks\":[],\"TotalCount\":0,\"RequestId\":\"req-ok\"}}";
    private static final String THROTTLED = "{\"Response\":{\"Error\":{\"Code\":\"RequestLimitExceeded\","
            + "\"Message\":\"slow down\"},\"RequestId\":\"req-throttled\"}}";
    private static final String AUTH = "{\"Response\":{\"Error\":{\"Code\":\"AuthFailure.SignatureFailure\","
            + "\"Message\":\"no\"},\"RequestId\":\"req-auth\"}}";
    private static final String EXPIRED = "{\"Response\":{\"Error\":{\"Code\":\"AuthFailure.SignatureExpire\","
            + "\"Message\":\"expired\"},\"RequestId\":\"req-expired\"}}";

    private ScriptedServer server;
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

    /** A server answering the n-th request (from 0) with {@code script.get(min(n, last))}. */
    private void script(List<Answer> script) {
        AtomicInteger n = new AtomicInteger();
        server = ScriptedServer.start((req, res) -> script.get(Math.min(n.getAndIncrement(), script.size() - 1))
                .answer(req, res));
        client = DbbrainClient.builder().endpoint(server.endpoint()).credentials(CREDS).rateLimiter(limiter)
                .maxRetries(3).retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20)).build();
    }

    @FunctionalInterface
    private interface Answer {
        Mono<Void> answer(HttpServerRequest req, HttpServerResponse res);
    }

    private static Answer json(String body) {
        return (req, res) -> res.header("Content-Type", "application/json").sendString(Mono.just(body)).then();
    }

    private static Answer json(String body, String date) {
        return (req, res) -> res.header("Content-Type", "application/json").header("Date", date)
                .sendString(Mono.just(body)).then();
    }

    private static Answer status(int code) {
        return (req, res) -> res.status(code).header("Content-Type", "text/html")
                .sendString(Mono.just("<html>gateway</html>")).then();
    }

    /** Reads the request, then resets the connection: the request certainly reached the server. */
    private static Answer reset() {
        return (req, res) -> Mono.fromRunnable(() -> req.withConnection(c -> {
            c.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            c.channel().close();
        }));
    }

    private Mono<CreateProxySessionKillTaskResponse> create() {
        return client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-retry001"));
    }

    private Mono<DescribeProxySessionKillTasksResponse> describe() {
        return client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-retry001", 1));
    }

    @Test
    void describeIsRetriedThroughGatewayErrorsResetsAndGarbledAnswers() {
        script(List.of(status(502), reset(), json("{not json"), json(DESCRIBED)));
        StepVerifier.create(describe()).expectNextCount(1).expectComplete().verify(WAIT);
        assertThat(server.received()).hasSize(4);
        assertThat(client.stats().retries()).isEqualTo(3);
    }

    @Test
    void describeGivesUpWithTheLastErrorWhenTheBudgetRunsOut() {
        script(List.of(status(503)));
        StepVerifier.create(describe())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainHttpException.class))
                .verify(WAIT);
        assertThat(server.received()).hasSize(4);
    }

    @Test
    void aCreateThatMayHaveReachedTheServiceIsNeverSentAgain() {
        for (Answer ambiguous : List.of(status(502), reset(), json("{not json"))) {
            script(List.of(ambiguous, json(CREATED)));
            StepVerifier.create(create())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainException.class)
                            .extracting(x -> ((DbbrainException) x).isRetryable()).isEqualTo(true))
                    .verify(WAIT);
            assertThat(server.received()).as("requests after %s", ambiguous).hasSize(1);
            tearDown();
        }
    }

    @Test
    void aThrottledCreateIsSentAgainAndSlowsTheLimiterDown() {
        script(List.of(json(THROTTLED), json(THROTTLED), json(CREATED)));
        StepVerifier.create(create())
                .assertNext(r -> assertThat(r.asyncRequestId()).isEqualTo(42))
                .expectComplete()
                .verify(WAIT);
        assertThat(server.received()).hasSize(3);
        assertThat(client.stats().throttled()).isEqualTo(2);
        assertThat(limiter.state("CreateProxySessionKillTask").throttles()).isEqualTo(2);
        assertThat(limiter.state("CreateProxySessionKillTask").permitsPerSecond()).isLessThan(1000);
    }

    @Test
    void aThrottlingErrorReachesTheCallerOnlyWhenTheRetriesAreSpent() {
        script(List.of(json(THROTTLED)));
        StepVerifier.create(describe())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(DbbrainApiException.class,
                        a -> assertThat(a.category()).isEqualTo(ErrorCategory.THROTTLED)))
                .verify(WAIT);
        assertThat(server.received()).hasSize(4);
    }

    @Test
    void otherErrorsSurfaceAtOnceTypedWithCodeAndRequestId() {
        script(List.of(json(AUTH), json(DESCRIBED)));
        StepVerifier.create(describe())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(DbbrainApiException.class, a -> {
                    assertThat(a.code()).isEqualTo("AuthFailure.SignatureFailure");
                    assertThat(a.requestId()).isEqualTo("req-auth");
                    assertThat(a.action()).isEqualTo("DescribeProxySessionKillTasks");
                }))
                .verify(WAIT);
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void signatureExpiredIsRetriedOnceWithTheServersClock() {
        script(List.of(json(EXPIRED, "Tue, 01 Dec 2026 10:00:00 GMT"), json(CREATED)));
        StepVerifier.create(create()).expectNextCount(1).expectComplete().verify(WAIT);
        assertThat(server.received()).hasSize(2);
        assertThat(server.received().get(1).headers().get("X-TC-Timestamp"))
                .isEqualTo(Long.toString(java.time.Instant.parse("2026-12-01T10:00:00Z").getEpochSecond()));
        assertThat(client.stats().clockCorrections()).isEqualTo(1);
    }

    @Test
    void signatureExpiredTwiceOrWithoutADateReachesTheCaller() {
        script(List.of(json(EXPIRED, "Tue, 01 Dec 2026 10:00:00 GMT")));
        StepVerifier.create(create())
                .expectErrorSatisfies(e -> assertThat(((DbbrainApiException) e).code())
                        .isEqualTo("AuthFailure.SignatureExpire"))
                .verify(WAIT);
        assertThat(server.received()).hasSize(2);
        tearDown();
        script(List.of(json(EXPIRED)));
        StepVerifier.create(create()).expectError(DbbrainApiException.class).verify(WAIT);
        assertThat(server.received()).hasSize(1);
    }
}
