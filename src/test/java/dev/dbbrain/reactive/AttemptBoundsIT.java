package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorAnswer;
import dev.dbbrain.reactive.emulator.RecordedRequest;
import dev.dbbrain.reactive.internal.AttemptDeadline;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import io.netty.handler.timeout.ReadTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * What bounds one call against a hostile or broken server, each a reproduction of the pre-1.0 security review: a
 * server trickling its answer is cut off at the attempt timeout, a redirect is never followed whatever
 * {@code HttpClient} the client is given, and a caller outrunning the rate limiter is refused at once.
 */
class AttemptBoundsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Credentials TEMPORARY = Credentials.of("AKIDbounds", "bounds-secret-key", "bounds-token");
    private static final String CREATE = "CreateProxySessionKillTask";
    private static final EmulatorAnswer CREATED = EmulatorAnswer.created(42).withRequestId("req-42");

    private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closing(T resource) {
        closing.add(0, resource);
        return resource;
    }

    /** An emulator that accepts {@link #TEMPORARY} (the token included) and answers every request with {@code answer}. */
    private DbbrainEmulator answering(EmulatorAnswer answer) {
        DbbrainEmulator emulator = closing(DbbrainEmulator.builder().temporaryCredentials(TEMPORARY.secretId(),
                TEMPORARY.secretKey(), TEMPORARY.token().orElseThrow()).rateLimit(0).start());
        emulator.dispatcher(request -> answer);
        return emulator;
    }

    private DbbrainClient.Builder clientFor(DbbrainEmulator server) {
        return DbbrainClient.builder().endpoint(server.endpoint()).credentials(TEMPORARY)
                .rateLimiter(RateLimiter.unlimited()).retryBackoff(Duration.ofMillis(10), Duration.ofMillis(20));
    }

    /** Answers 200 with a long declared body, then one byte every 100 ms: far longer than any test waits. */
    private static EmulatorAnswer trickle() {
        byte[] spaces = new byte[100_000];
        Arrays.fill(spaces, (byte) ' ');
        return EmulatorAnswer.raw(200, Map.of("Content-Type", "application/json", "Content-Length", "100000"),
                spaces).trickled(1, Duration.ofMillis(100));
    }

    private static Throwable failure(Mono<?> call) {
        return call.then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(WAIT);
    }

    @Test
    void aCreateWhoseAnswerTricklesInEndsAtTheResponseTimeoutAsAnAttemptTimeoutAndIsNotSentAgain() {
        // The first answer is a normal one, so that client and server are warm when the measured call starts.
        DbbrainEmulator server = answering(trickle());
        server.enqueue(CREATE, CREATED);
        // The reproduction: responseTimeout(2s), one byte a second kept a Create open past 60 s. Here a byte every
        // 100 ms, so the response timeout never fires; the attempt bound, by default the response timeout, does.
        DbbrainClient client = closing(clientFor(server).responseTimeout(Duration.ofSeconds(2)).build());
        client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")).block(WAIT);
        long t0 = System.nanoTime();
        Throwable error = failure(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(took).as("the attempt bound, + 1 s").isBetween(Duration.ofMillis(1_900), Duration.ofSeconds(3));
        assertThat(error).isInstanceOfSatisfying(DbbrainTransportException.class, e -> {
            assertThat(e.requestSent()).isTrue();
            assertThat(e.isRetryable()).isTrue();
            assertThat(e.getMessage()).contains("answer not complete within the attempt timeout of PT2S");
            assertThat(e.getCause()).isInstanceOf(AttemptDeadline.Expired.class);
        });
        assertThat(server.requestCount()).as("the outcome is unknown: never sent again").isEqualTo(2);
    }

    @Test
    void aDescribeWhoseAnswerTricklesInIsRetriedLikeAnyTimeoutEachAttemptBoundedOnItsOwn() {
        DbbrainEmulator server = answering(trickle());
        DbbrainClient client = closing(clientFor(server).responseTimeout(Duration.ofSeconds(5))
                .attemptTimeout(Duration.ofMillis(500)).maxRetries(2).build());
        long t0 = System.nanoTime();
        Throwable error = failure(client.describeProxySessionKillTasks(
                DescribeProxySessionKillTasksRequest.of("crs-1", 1L)));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(error).isInstanceOf(DbbrainTransportException.class)
                .hasMessageContaining("attempt timeout of PT0.5S");
        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(client.stats().retries()).isEqualTo(2);
        assertThat(took).as("three attempts of 0.5 s and two short backoffs").isBetween(Duration.ofMillis(1_500),
                Duration.ofMillis(3_500));
    }

    @Test
    void aServerThatNeverAnswersIsStillReportedAsAResponseTimeout() {
        DbbrainEmulator server = answering(EmulatorAnswer.noAnswer());
        DbbrainClient client = closing(clientFor(server).responseTimeout(Duration.ofMillis(300))
                .attemptTimeout(Duration.ofMillis(300)).maxRetries(0).build());
        Throwable error = failure(client.describeProxySessionKillTasks(
                DescribeProxySessionKillTasksRequest.of("crs-1", 1L)));
        // Both bounds end together: nothing arrived, so the response timeout speaks, the more precise diagnosis.
        assertThat(error).isInstanceOf(DbbrainTransportException.class).hasMessageContaining("response timeout")
                .hasCauseInstanceOf(ReadTimeoutException.class);
    }

    @Test
    void theBoundOfOneExchangeNeverReachesTheNextOneOnTheSameConnection() {
        DbbrainEmulator server = answering(CREATED.delayed(Duration.ofMillis(40)));
        DbbrainClient client = closing(clientFor(server).attemptTimeout(Duration.ofMillis(250)).maxRetries(0)
                .build());
        // Twenty sequential calls on one pooled connection take far longer than one attempt's bound together.
        List<CreateProxySessionKillTaskResponse> answers = Flux.range(0, 20)
                .concatMap(i -> client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                .collectList().block(WAIT);
        assertThat(answers).hasSize(20).allSatisfy(a -> assertThat(a.asyncRequestId()).isEqualTo(42));
    }

    @Test
    void aSuppliedClientThatFollowsRedirectsSendsNothingToTheTargetAndTheRedirectIsAnHttpError() {
        DbbrainEmulator target = answering(EmulatorAnswer.created(1).withRequestId("sink"));
        DbbrainEmulator origin = answering(EmulatorAnswer.raw(307, Map.of("Location", target.endpoint() + "/collect",
                "Content-Length", "0"), new byte[0]));
        DbbrainClient client = closing(clientFor(origin).maxRetries(3)
                .httpClient(HttpClient.create().followRedirect(true)).build());

        Throwable error = failure(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")));

        assertThat(error).isInstanceOfSatisfying(DbbrainHttpException.class, e -> {
            assertThat(e.status()).isEqualTo(307);
            assertThat(e.isRetryable()).isFalse();
        });
        assertThat(target.requestCount()).as("neither the token nor the signed body left for the target").isZero();
        assertThat(origin.requestCount()).isEqualTo(1);
        RecordedRequest sent = origin.takeRequest(WAIT);
        assertThat(new String(sent.body(), StandardCharsets.UTF_8)).contains("crs-1");
        // The origin accepts the temporary key pair only with X-TC-Token: bounds-token (it never records the token).
        assertThat(sent.signatureVerified()).as("signed, with X-TC-Token bounds-token").isTrue();
    }

    @Test
    void aCallerOutrunningTheLimiterIsRefusedAtOnceAndTheRefusalIsNeverRetried() {
        DbbrainEmulator server = answering(CREATED);
        RateLimiter limiter = RateLimiter.builder().permitsPerSecond(2).burst(1).maxQueued(2).build();
        DbbrainClient client = closing(clientFor(server).rateLimiter(limiter).build());
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        List<CreateProxySessionKillTaskResponse> created = Flux.range(0, 5)
                .flatMap(i -> client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1"))
                        .onErrorResume(e -> {
                            errors.add(e);
                            return Mono.empty();
                        }))
                .collectList().block(WAIT);

        // One at once, two queued, two refused: typed, unsent, and not retried by the client.
        assertThat(created).hasSize(3);
        assertThat(errors).hasSize(2).allSatisfy(e -> assertThat(e)
                .isInstanceOfSatisfying(DbbrainCapacityException.class, c -> {
                    assertThat(c.limitName()).isEqualTo("maxQueued");
                    assertThat(c.category()).isEqualTo(ErrorCategory.REJECTED);
                    assertThat(c.action()).isEqualTo("CreateProxySessionKillTask");
                }));
        assertThat(client.stats().retries()).isZero();
        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(limiter.state("CreateProxySessionKillTask").rejected()).isEqualTo(2);
    }

    @Test
    void theAttemptTimeoutMustBePositive() {
        assertThatThrownBy(() -> DbbrainClient.builder().attemptTimeout(Duration.ZERO))
                .hasMessageContaining("attemptTimeout");
        assertThatThrownBy(() -> DbbrainClient.builder().attemptTimeout(null))
                .hasMessageContaining("attemptTimeout");
    }
}
