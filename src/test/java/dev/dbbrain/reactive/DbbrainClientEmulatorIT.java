package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorStats;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;
import reactor.test.StepVerifier;

/** The client against the project's DBbrain emulator: both actions, every AuthFailure, throttling, every fault. */
class DbbrainClientEmulatorIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String ID = "AKIDclientIT";
    private static final String KEY = "client-it-secret-key";
    private static final String INSTANCE = "crs-itest001";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
    private DbbrainEmulator emulator;
    private DbbrainClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (emulator != null) {
            emulator.stop();
        }
    }

    private DbbrainEmulator.Builder emulatorBuilder() {
        return DbbrainEmulator.builder().credentials(ID, KEY).clock(clock).stepDuration(Duration.ofSeconds(1))
                .proxies(3);
    }

    private DbbrainClient clientWith(Credentials credentials) {
        // One request per call, unthrottled by the client: these tests look at single answers of the emulator.
        return DbbrainClient.builder().endpoint(emulator.endpoint()).credentials(credentials).clock(clock)
                .responseTimeout(Duration.ofSeconds(5)).maxRetries(0).rateLimiter(RateLimiter.unlimited()).build();
    }

    private void start(DbbrainEmulator.Builder builder) {
        emulator = builder.start();
        client = clientWith(Credentials.of(ID, KEY));
    }

    private Mono<DescribeProxySessionKillTasksResponse> describe(long... ids) {
        return client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, ids));
    }

    private TaskInfo describeOne(long id) {
        return describe(id).map(r -> r.tasks().get(0)).block(WAIT);
    }

    private static Consumer<Throwable> apiError(String code, ErrorCategory category) {
        return e -> assertThat(e).isInstanceOfSatisfying(DbbrainApiException.class, api -> {
            assertThat(api.code()).isEqualTo(code);
            assertThat(api.category()).isEqualTo(category);
            assertThat(api.requestId()).isNotBlank();
            assertThat(api.action()).isNotBlank();
        });
    }

    @Test
    void createdTaskMovesThroughEveryStatusToFinished() {
        start(emulatorBuilder());
        long id = client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(INSTANCE))
                .map(CreateProxySessionKillTaskResponse::asyncRequestId).block(WAIT);

        TaskInfo created = describeOne(id);
        assertThat(created.taskStatus()).isEqualTo(TaskStatus.CREATED);
        assertThat(created.instanceId()).isEqualTo(INSTANCE);
        assertThat(created.instProxyCount()).isEqualTo(3);
        assertThat(created.instProxyList()).hasSize(3);
        assertThat(created.createTime()).contains(clock.instant());
        assertThat(created.startTime()).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        assertThat(describeOne(id).taskStatus()).isEqualTo(TaskStatus.CHOSEN);
        clock.advance(Duration.ofSeconds(2));
        TaskInfo running = describeOne(id);
        assertThat(running.taskStatus()).isEqualTo(TaskStatus.RUNNING);
        assertThat(running.finishedProxyList()).hasSize(1);
        assertThat(running.progress()).isEqualTo(33);
        assertThat(running.startTime()).isPresent();

        clock.advance(Duration.ofSeconds(2));
        TaskInfo finished = describeOne(id);
        assertThat(finished.taskStatus()).isEqualTo(TaskStatus.FINISHED);
        assertThat(finished.isTerminal()).isTrue();
        assertThat(finished.progress()).isEqualTo(100);
        assertThat(finished.finishedProxyList()).containsExactlyElementsOf(finished.instProxyList());
        assertThat(finished.endTime()).contains(clock.instant());
    }

    @Test
    void proxyFailuresEndTheTaskFailedWithTheFailedProxiesListed() {
        start(emulatorBuilder().proxyFailureProbability(1.0));
        long id = client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(INSTANCE))
                .map(CreateProxySessionKillTaskResponse::asyncRequestId).block(WAIT);
        clock.advance(Duration.ofSeconds(10));
        TaskInfo failed = describeOne(id);
        assertThat(failed.taskStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(failed.failedProxyList()).hasSize(3);
    }

    @Test
    void describeReturnsOnlyKnownTasksOfThatInstance() {
        start(emulatorBuilder());
        long mine = client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(INSTANCE))
                .map(CreateProxySessionKillTaskResponse::asyncRequestId).block(WAIT);
        long other = client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-other001"))
                .map(CreateProxySessionKillTaskResponse::asyncRequestId).block(WAIT);
        DescribeProxySessionKillTasksResponse r = describe(mine, other, 999_999_999L).block(WAIT);
        assertThat(r.tasks()).extracting(TaskInfo::asyncRequestId).containsExactly(mine);
        assertThat(r.totalCount()).isEqualTo(1);
        assertThat(r.requestId()).isNotBlank();
    }

    @Test
    void requestSignedWithAWrongKeyIsRefusedWithSignatureFailure() {
        start(emulatorBuilder());
        DbbrainClient wrong = clientWith(Credentials.of(ID, "not-the-right-key"));
        StepVerifier.create(wrong.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(INSTANCE)))
                .expectErrorSatisfies(apiError("AuthFailure.SignatureFailure", ErrorCategory.AUTH))
                .verify(WAIT);
        wrong.close();
        assertThat(emulator.stats().tasksCreated()).isZero();
    }

    @Test
    void unknownSecretIdIsRefusedWithSecretIdNotFound() {
        start(emulatorBuilder());
        DbbrainClient stranger = clientWith(Credentials.of("AKIDstranger", KEY));
        StepVerifier.create(stranger.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, 1)))
                .expectErrorSatisfies(apiError("AuthFailure.SecretIdNotFound", ErrorCategory.AUTH))
                .verify(WAIT);
        stranger.close();
    }

    @Test
    void clockSkewBeyondFiveMinutesIsCorrectedFromTheServersDateAndRetriedOnce() {
        start(emulatorBuilder());
        DbbrainClient skewed = DbbrainClient.builder().endpoint(emulator.endpoint()).credentials(Credentials.of(ID, KEY))
                .clock(java.time.Clock.offset(clock, Duration.ofHours(-3))).maxRetries(0)
                .rateLimiter(RateLimiter.unlimited()).build();
        StepVerifier.create(skewed.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, 1)))
                .assertNext(r -> assertThat(r.tasks()).isEmpty())
                .verifyComplete();
        assertThat(emulator.stats().errors()).containsEntry("AuthFailure.SignatureExpire", 1L);
        assertThat(skewed.stats().clockCorrections()).isEqualTo(1);
        // The offset is kept: the next call is signed right the first time.
        StepVerifier.create(skewed.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, 1)))
                .expectNextCount(1)
                .verifyComplete();
        assertThat(emulator.stats().requests()).containsEntry("DescribeProxySessionKillTasks", 3L);
        assertThat(skewed.stats().clockCorrections()).isEqualTo(1);
        skewed.close();
    }

    @Test
    void temporaryCredentialsNeedTheirTokenAndWorkWithIt() {
        emulator = emulatorBuilder().temporaryCredentials("AKIDtemp", "temp-key", "temp-token").start();
        DbbrainClient noToken = clientWith(Credentials.of("AKIDtemp", "temp-key"));
        StepVerifier.create(noToken.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, 1)))
                .expectErrorSatisfies(apiError("AuthFailure.TokenFailure", ErrorCategory.AUTH))
                .verify(WAIT);
        noToken.close();
        client = clientWith(Credentials.of("AKIDtemp", "temp-key", "temp-token"));
        StepVerifier.create(describe(1)).assertNext(r -> assertThat(r.tasks()).isEmpty()).verifyComplete();
    }

    @Test
    void signingTheActionHeaderIsAcceptedToo() {
        emulator = emulatorBuilder().start();
        client = DbbrainClient.builder().endpoint(emulator.endpoint()).credentials(Credentials.of(ID, KEY))
                .clock(clock).signActionHeader(true).rateLimiter(RateLimiter.unlimited()).build();
        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(INSTANCE)))
                .expectNextCount(1).verifyComplete();
    }

    @Test
    void unknownInstanceIsResourceNotFoundAndAnUnknownProxyIsInvalid() {
        start(emulatorBuilder());
        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-NOPE")))
                .expectErrorSatisfies(apiError("ResourceNotFound", ErrorCategory.INVALID_REQUEST))
                .verify(WAIT);
        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(INSTANCE, "no-such")))
                .expectErrorSatisfies(apiError("InvalidParameterValue", ErrorCategory.INVALID_REQUEST))
                .verify(WAIT);
        StepVerifier.create(client.createProxySessionKillTask(
                        new CreateProxySessionKillTaskRequest(INSTANCE, "memcached", null)))
                .expectErrorSatisfies(apiError("InvalidParameterValue", ErrorCategory.INVALID_REQUEST))
                .verify(WAIT);
    }

    @Test
    void twentyFirstRequestInOneSecondIsThrottled() {
        start(emulatorBuilder().rateLimit(20));
        List<Signal<DescribeProxySessionKillTasksResponse>> outcomes = Flux.range(0, 21)
                .concatMap(i -> describe(1).materialize().filter(s -> !s.isOnComplete()))
                .collectList().block(WAIT);
        assertThat(outcomes).hasSize(21);
        assertThat(outcomes.subList(0, 20)).allMatch(Signal::isOnNext);
        Throwable throttled = outcomes.get(20).getThrowable();
        apiError("RequestLimitExceeded", ErrorCategory.THROTTLED).accept(throttled);
        assertThat(((DbbrainException) throttled).isRetryable()).isTrue();

        // Creates have their own budget, and a second later the Describe budget is back.
        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(INSTANCE)))
                .expectNextCount(1).verifyComplete();
        clock.advance(Duration.ofMillis(1001));
        StepVerifier.create(describe(1)).expectNextCount(1).verifyComplete();
        EmulatorStats stats = emulator.stats();
        assertThat(stats.maxRequestsInOneSecond().get("DescribeProxySessionKillTasks")).isEqualTo(21);
        assertThat(stats.errors().get("RequestLimitExceeded")).isEqualTo(1L);
    }

    @Test
    void gatewayFaultBecomesTransientHttpException() {
        start(emulatorBuilder().fault502(1.0));
        StepVerifier.create(describe(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(DbbrainHttpException.class, h -> {
                    assertThat(h.status()).isIn(502, 503);
                    assertThat(h.category()).isEqualTo(ErrorCategory.TRANSIENT);
                    assertThat(h.bodySnippet()).containsIgnoringCase("<html");
                }))
                .verify(WAIT);
    }

    @Test
    void connectionResetBecomesTransportException() {
        start(emulatorBuilder().faultReset(1.0));
        StepVerifier.create(describe(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainTransportException.class)
                        .hasFieldOrPropertyWithValue("category", ErrorCategory.TRANSIENT)
                        .hasCauseInstanceOf(java.io.IOException.class))
                .verify(WAIT);
    }

    @Test
    void malformedBodyBecomesDecodingExceptionNamingTheAction() {
        start(emulatorBuilder().faultMalformed(1.0));
        StepVerifier.create(describe(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainDecodingException.class)
                        .hasMessageStartingWith("DescribeProxySessionKillTasks: unreadable response"))
                .verify(WAIT);
    }

    @Test
    void forcedInternalErrorIsATransientApiException() {
        start(emulatorBuilder().faultInternalError(1.0));
        StepVerifier.create(describe(1)).expectErrorSatisfies(apiError("InternalError", ErrorCategory.TRANSIENT))
                .verify(WAIT);
    }

    @Test
    void forcedThrottleIsAThrottledApiException() {
        start(emulatorBuilder().faultThrottle(1.0));
        StepVerifier.create(describe(1))
                .expectErrorSatisfies(apiError("RequestLimitExceeded", ErrorCategory.THROTTLED)).verify(WAIT);
    }

    @Test
    void latencyBeyondTheResponseTimeoutBecomesTransportTimeout() {
        emulator = emulatorBuilder().latency(Duration.ofSeconds(3)).start();
        client = DbbrainClient.builder().endpoint(emulator.endpoint()).credentials(Credentials.of(ID, KEY))
                .clock(clock).responseTimeout(Duration.ofMillis(300)).maxRetries(0).build();
        StepVerifier.create(describe(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainTransportException.class)
                        .hasMessageContaining("response timeout"))
                .verify(WAIT);
    }

    @Test
    void emulatorStatsCountRequestsPerActionAndTasks() {
        start(emulatorBuilder());
        long id = client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(INSTANCE))
                .map(CreateProxySessionKillTaskResponse::asyncRequestId).block(WAIT);
        describe(id).block(WAIT);
        describe(id).block(WAIT);
        EmulatorStats stats = emulator.stats();
        assertThat(stats.requests()).containsEntry("CreateProxySessionKillTask", 1L)
                .containsEntry("DescribeProxySessionKillTasks", 2L);
        assertThat(stats.tasksCreated()).isEqualTo(1);
        assertThat(stats.tasks()).singleElement().satisfies(t -> {
            assertThat(t.asyncRequestId()).isEqualTo(id);
            assertThat(t.instanceId()).isEqualTo(INSTANCE);
            assertThat(t.status()).isEqualTo("created");
        });
    }

    @Test
    void noExceptionTextOrToStringEverShowsTheSecretKeyOrToken() {
        String key = "very-secret-key-7f3a";
        String token = "very-secret-token-9c1d";
        emulator = emulatorBuilder().temporaryCredentials("AKIDsecretive", key, token).faultMalformed(0.1)
                .fault502(0.1).faultReset(0.1).faultInternalError(0.1).rateLimit(0).start();
        List<DbbrainClient> clients = List.of(
                clientWith(Credentials.of("AKIDsecretive", key, token)),
                clientWith(Credentials.of("AKIDsecretive", key)),
                clientWith(Credentials.of("AKIDsecretive", key + "x", token)),
                clientWith(Credentials.of("AKIDsecretive", key, token + "x")));
        StringBuilder everything = new StringBuilder();
        for (DbbrainClient c : clients) {
            everything.append(c).append('\n');
            for (int i = 0; i < 20; i++) {
                Signal<DescribeProxySessionKillTasksResponse> outcome = c.describeProxySessionKillTasks(
                        DescribeProxySessionKillTasksRequest.of(INSTANCE, 1)).materialize().block(WAIT);
                if (outcome.isOnError()) {
                    java.io.StringWriter trace = new java.io.StringWriter();
                    outcome.getThrowable().printStackTrace(new java.io.PrintWriter(trace));
                    everything.append(trace).append(outcome.getThrowable()).append('\n');
                }
            }
            c.close();
        }
        everything.append(Credentials.of("AKIDsecretive", key, token)).append(emulator).append(emulator.stats());
        assertThat(everything.toString()).contains("AKIDsecretive").contains("SignatureFailure")
                .contains("TokenFailure").contains("InternalError").contains("HTTP 50").contains("unreadable")
                .contains("Connection reset").doesNotContain(key).doesNotContain(token);
    }
}
