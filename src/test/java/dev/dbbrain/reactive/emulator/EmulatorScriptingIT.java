package dev.dbbrain.reactive.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.CreateProxySessionKillTaskResponse;
import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DbbrainHttpException;
import dev.dbbrain.reactive.DbbrainTransportException;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksRequest;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksResponse;
import dev.dbbrain.reactive.ErrorCategory;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import dev.dbbrain.reactive.WatchOptions;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.subscriber.TestSubscriber;

/**
 * The emulator scripted the way a test would: answers queued per action, a dispatcher, strict mode, and the
 * requests it recorded, against the real client. Every scripted answer still passes through the emulator's
 * authentication.
 */
class EmulatorScriptingIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CREATE = "CreateProxySessionKillTask";
    private static final String DESCRIBE = "DescribeProxySessionKillTasks";
    private static final String SECRET_ID = "AKIDscripting0001";
    private static final String SECRET_KEY = "ScriptingSecretKey-Qm4Zr8";
    private static final String TOKEN = "ScriptingToken-Hw2Lp6";
    private static final Credentials TEMPORARY = Credentials.of(SECRET_ID, SECRET_KEY, TOKEN);

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private DbbrainEmulator emulator(UnaryOperator<DbbrainEmulator.Builder> settings) {
        DbbrainEmulator emulator = settings.apply(DbbrainEmulator.builder()
                .temporaryCredentials(SECRET_ID, SECRET_KEY, TOKEN)).start();
        closing.add(emulator);
        return emulator;
    }

    private DbbrainEmulator emulator() {
        return emulator(b -> b);
    }

    /** One attempt per call, so that each scripted answer reaches the test as the client reads it. */
    private DbbrainClient client(DbbrainEmulator emulator, UnaryOperator<DbbrainClient.Builder> settings) {
        DbbrainClient client = settings.apply(DbbrainClient.builder().endpoint(emulator.endpoint())
                .credentials(TEMPORARY).rateLimiter(RateLimiter.unlimited()).maxRetries(0)).build();
        closing.add(0, client);
        return client;
    }

    private DbbrainClient client(DbbrainEmulator emulator) {
        return client(emulator, b -> b);
    }

    private static Mono<DescribeProxySessionKillTasksResponse> describe(DbbrainClient client, String instanceId,
            long... ids) {
        return client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(instanceId, ids));
    }

    private static Mono<CreateProxySessionKillTaskResponse> create(DbbrainClient client, String instanceId) {
        return client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(instanceId));
    }

    private static Throwable failure(Mono<?> call) {
        return call.then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(WAIT);
    }

    @Test
    void theNextDescribeAnswersTheEnqueuedErrorThenA502ThenFinishedAndThenAsUsual() {
        DbbrainEmulator emulator = emulator();
        DbbrainClient client = client(emulator);
        emulator.enqueue(DESCRIBE,
                EmulatorAnswer.error("ResourceNotFound.InstanceNotFoundError", "The instance does not exist.")
                        .withRequestId("req-not-found"),
                EmulatorAnswer.httpStatus(502, "text/html", "<html>502 Bad Gateway</html>"),
                EmulatorAnswer.taskState(TaskStatus.FINISHED, 100));

        assertThat(failure(describe(client, "crs-script01", 7L))).isInstanceOfSatisfying(DbbrainApiException.class,
                e -> {
                    assertThat(e.code()).isEqualTo("ResourceNotFound.InstanceNotFoundError");
                    assertThat(e.requestId()).isEqualTo("req-not-found");
                    assertThat(e.action()).isEqualTo(DESCRIBE);
                    assertThat(e.category()).isEqualTo(ErrorCategory.INVALID_REQUEST);
                });
        assertThat(failure(describe(client, "crs-script01", 7L))).isInstanceOfSatisfying(DbbrainHttpException.class,
                e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.bodySnippet()).contains("502 Bad Gateway");
                });
        TaskInfo finished = describe(client, "crs-script01", 7L).block(WAIT).tasks().get(0);
        assertThat(finished.asyncRequestId()).isEqualTo(7);
        assertThat(finished.instanceId()).isEqualTo("crs-script01");
        assertThat(finished.taskStatus()).isEqualTo(TaskStatus.FINISHED);
        assertThat(finished.progress()).isEqualTo(100);
        assertThat(finished.instProxyList()).containsExactly("crs-script01-proxy-1", "crs-script01-proxy-2",
                "crs-script01-proxy-3");
        assertThat(finished.finishedProxyList()).isEqualTo(finished.instProxyList());
        assertThat(finished.endTime()).isPresent();

        // The queue is spent: the emulator answers as usual, and knows no task 7.
        assertThat(describe(client, "crs-script01", 7L).block(WAIT).tasks()).isEmpty();
        assertThat(emulator.requestCount()).isEqualTo(4);
        assertThat(emulator.stats().errors()).containsEntry("ResourceNotFound.InstanceNotFoundError", 1L)
                .containsEntry("scripted.http502", 1L);
    }

    @Test
    void aRetriedDescribeGoesThroughTheScripted502ToTheNextAnswer() {
        DbbrainEmulator emulator = emulator();
        DbbrainClient client = client(emulator, b -> b.maxRetries(2)
                .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(10)));
        emulator.enqueue(DESCRIBE, EmulatorAnswer.httpStatus(502), EmulatorAnswer.taskState(TaskStatus.RUNNING, 70));

        TaskInfo running = describe(client, "crs-script02", 9L).block(WAIT).tasks().get(0);

        assertThat(running.taskStatus()).isEqualTo(TaskStatus.RUNNING);
        assertThat(running.progress()).isEqualTo(70);
        assertThat(running.finishedProxyList()).as("70% of 3 proxies").hasSize(2);
        assertThat(client.stats().retries()).isEqualTo(1);
        assertThat(emulator.requestCount()).isEqualTo(2);
    }

    @Test
    void aWatchFollowsAnEnqueuedTaskSequenceToItsEndOnTheEmulatorsOwnTask() {
        // Steps of an hour: on its own the task would stay "created" for the whole test.
        DbbrainEmulator emulator = emulator(b -> b.stepDuration(Duration.ofHours(1)).proxies(4));
        DbbrainClient client = client(emulator);
        long id = create(client, "crs-script03").block(WAIT).asyncRequestId();
        emulator.enqueue(DESCRIBE, EmulatorAnswer.taskState(TaskStatus.RUNNING, 30),
                EmulatorAnswer.taskState(TaskStatus.RUNNING, 70), EmulatorAnswer.taskState(TaskStatus.FINISHED, 100));

        List<TaskInfo> states = client.watch("crs-script03", id,
                WatchOptions.defaults().pollInterval(Duration.ofMillis(20))).collectList().block(WAIT);

        assertThat(states).extracting(TaskInfo::status, TaskInfo::progress).containsExactly(
                org.assertj.core.groups.Tuple.tuple("running", 30L), org.assertj.core.groups.Tuple.tuple("running", 70L),
                org.assertj.core.groups.Tuple.tuple("finished", 100L));
        assertThat(states).extracting(s -> s.finishedProxyList().size()).containsExactly(1, 2, 4);
        assertThat(states).allSatisfy(s -> assertThat(s.createTime()).isEqualTo(states.get(0).createTime()));
        // The script replaced what the emulator would answer; its own task is untouched.
        assertThat(emulator.stats().tasks()).singleElement().satisfies(t -> assertThat(t.status())
                .isEqualTo("created"));
    }

    @Test
    void aScriptedCreateAnswersTheEnqueuedIdAndCreatesNoTask() {
        DbbrainEmulator emulator = emulator();
        DbbrainClient client = client(emulator);
        emulator.enqueue(CREATE, EmulatorAnswer.created(4242).withRequestId("req-created"));

        CreateProxySessionKillTaskResponse created = create(client, "crs-script04").block(WAIT);

        assertThat(created.asyncRequestId()).isEqualTo(4242);
        assertThat(created.requestId()).isEqualTo("req-created");
        assertThat(emulator.stats().tasksCreated()).isZero();
        assertThat(create(client, "crs-script04").block(WAIT).asyncRequestId()).as("the next, as usual")
                .isEqualTo(TaskBook.FIRST_ID);
    }

    @Test
    void queuesArePerActionAndADescribeNeverTakesACreatesAnswer() {
        DbbrainEmulator emulator = emulator();
        DbbrainClient client = client(emulator);
        emulator.enqueue(CREATE, EmulatorAnswer.error("FailedOperation", "no"));

        assertThat(describe(client, "crs-script05", 1L).block(WAIT).tasks()).isEmpty();
        assertThat(failure(create(client, "crs-script05"))).isInstanceOfSatisfying(DbbrainApiException.class,
                e -> assertThat(e.code()).isEqualTo("FailedOperation"));
    }

    @Test
    void theScriptedTasksAreAnsweredExactlyWithAStatusTheClientDoesNotKnow() {
        DbbrainEmulator emulator = emulator();
        DbbrainClient client = client(emulator);
        TaskInfo paused = new TaskInfo(11, "crs-script06", "paused", 50, List.of("p1", "p2"), 2, List.of("p1"),
                List.of(), Optional.of(Instant.parse("2026-01-02T03:04:05Z")), Optional.empty(), Optional.empty());
        emulator.enqueue(DESCRIBE, EmulatorAnswer.tasks(paused), EmulatorAnswer.tasks());

        DescribeProxySessionKillTasksResponse first = describe(client, "crs-script06", 11L).block(WAIT);
        assertThat(first.tasks()).containsExactly(paused);
        assertThat(first.tasks().get(0).taskStatus()).isEqualTo(TaskStatus.UNKNOWN);
        assertThat(describe(client, "crs-script06", 11L).block(WAIT).tasks()).isEmpty();
    }

    @Test
    void theDispatcherAnswersWhatTheQueuesDoNot() {
        DbbrainEmulator emulator = emulator();
        DbbrainClient client = client(emulator);
        emulator.dispatcher(request -> "crs-broken01".equals(request.parameters().get("InstanceId"))
                ? EmulatorAnswer.httpStatus(503)
                : EmulatorAnswer.simulated());
        emulator.enqueue(DESCRIBE, EmulatorAnswer.taskState(TaskStatus.CHOSEN, 0));

        assertThat(describe(client, "crs-broken01", 1L).block(WAIT).tasks()).as("the queue first")
                .extracting(TaskInfo::status).containsExactly("chosen");
        assertThat(failure(describe(client, "crs-broken01", 1L))).isInstanceOfSatisfying(DbbrainHttpException.class,
                e -> assertThat(e.status()).isEqualTo(503));
        assertThat(create(client, "crs-working1").block(WAIT).asyncRequestId()).isEqualTo(TaskBook.FIRST_ID);
        assertThat(emulator.scriptingErrors()).isEmpty();
    }

    @Test
    void aDispatcherThatThrowsOrAnswersAnotherActionIsAScriptingErrorNeverAHang() {
        DbbrainEmulator emulator = emulator();
        DbbrainClient client = client(emulator);
        emulator.dispatcher(request -> {
            if (request.action().orElseThrow().equals(CREATE)) {
                throw new IllegalStateException("a bug in the test's dispatcher");
            }
            return EmulatorAnswer.created(1);
        });

        assertThat(failure(create(client, "crs-script07"))).isInstanceOfSatisfying(DbbrainApiException.class, e -> {
            assertThat(e.code()).isEqualTo("FailedOperation.EmulatorScript");
            assertThat(e.getMessage()).contains("a bug in the test's dispatcher");
        });
        assertThat(failure(describe(client, "crs-script07", 1L))).isInstanceOfSatisfying(DbbrainApiException.class,
                e -> assertThat(e.getMessage()).contains("answers CreateProxySessionKillTask only"));
        assertThat(emulator.scriptingErrors()).hasSize(2);
    }

    @Test
    void strictScriptingAnswersAnUnscriptedRequestWithAnErrorTheTestSees() {
        DbbrainEmulator emulator = emulator(b -> b.strictScripting(true));
        DbbrainClient client = client(emulator, b -> b.maxRetries(3));
        emulator.enqueue(CREATE, EmulatorAnswer.created(5));

        assertThat(create(client, "crs-strict01").block(WAIT).asyncRequestId()).isEqualTo(5);
        assertThat(failure(describe(client, "crs-strict01", 5L))).isInstanceOfSatisfying(DbbrainApiException.class,
                e -> {
                    assertThat(e.code()).isEqualTo("FailedOperation.EmulatorScript");
                    assertThat(e.getMessage()).contains("strict scripting is on")
                            .contains("DescribeProxySessionKillTasks");
                });
        assertThat(emulator.requestCount()).as("not retried").isEqualTo(2);
        assertThat(emulator.scriptingErrors()).singleElement().asString().contains("request #1")
                .contains(DESCRIBE);

        emulator.resetScripting();
        assertThat(emulator.scriptingErrors()).isEmpty();
        assertThat(emulator.requestCount()).isZero();
    }

    @Test
    void aBadlySignedRequestGetsTheServicesErrorAndLeavesTheScriptAsItWas() {
        DbbrainEmulator emulator = emulator();
        DbbrainClient wrongKey = client(emulator, b -> b.credentials(Credentials.of(SECRET_ID, "not-the-key", TOKEN)));
        DbbrainClient noToken = client(emulator, b -> b.credentials(Credentials.of(SECRET_ID, SECRET_KEY)));
        emulator.enqueue(CREATE, EmulatorAnswer.created(77));

        assertThat(failure(create(wrongKey, "crs-script08"))).isInstanceOfSatisfying(DbbrainApiException.class,
                e -> assertThat(e.code()).isEqualTo("AuthFailure.SignatureFailure"));
        assertThat(failure(create(noToken, "crs-script08"))).isInstanceOfSatisfying(DbbrainApiException.class,
                e -> assertThat(e.code()).isEqualTo("AuthFailure.TokenFailure"));
        assertThat(create(client(emulator), "crs-script08").block(WAIT).asyncRequestId()).isEqualTo(77);

        assertThat(emulator.takeRequest(WAIT).signatureVerified()).isFalse();
        assertThat(emulator.takeRequest(WAIT).signatureVerified()).isFalse();
        RecordedRequest accepted = emulator.takeRequest(WAIT);
        assertThat(accepted.signatureVerified()).isTrue();
        assertThat(accepted.sequenceNumber()).isEqualTo(2);
    }

    @Test
    void takeRequestReturnsWhatTheClientSentDecoded() {
        DbbrainEmulator emulator = emulator();
        DbbrainClient client = client(emulator, b -> b.region("ap-guangzhou")
                .language(dev.dbbrain.reactive.Language.EN_US));
        Instant before = Instant.now().minusSeconds(1);
        describe(client, "crs-script09", 7L, 8L).block(WAIT);

        RecordedRequest sent = emulator.takeRequest(WAIT);
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.action()).contains(DESCRIBE);
        assertThat(sent.version()).contains("2021-05-27");
        assertThat(sent.region()).contains("ap-guangzhou");
        assertThat(sent.language()).contains("en-US");
        assertThat(sent.secretId()).contains(SECRET_ID);
        assertThat(sent.signatureMethod()).contains("TC3-HMAC-SHA256");
        assertThat(sent.signedHeaders()).containsExactly("content-type", "host");
        assertThat(sent.signatureVerified()).isTrue();
        assertThat(sent.timestamp()).hasValueSatisfying(t -> assertThat(t).isAfter(before));
        assertThat(sent.receivedAt()).isAfter(before);
        assertThat(sent.parameters()).containsExactly(Map.entry("InstanceId", "crs-script09"),
                Map.entry("AsyncRequestIds.0", "7"), Map.entry("AsyncRequestIds.1", "8"), Map.entry("Product", "redis"));
        assertThat(sent.header("host")).contains("127.0.0.1:" + emulator.port());
        assertThat(new String(sent.body(), StandardCharsets.UTF_8)).contains("\"AsyncRequestIds\":[7,8]");
        assertThat(emulator.pollRequest()).isEmpty();
    }

    @Test
    void takeRequestTimesOutWithAClearMessageWhenNothingArrives() {
        DbbrainEmulator emulator = emulator();
        describe(client(emulator), "crs-script10", 1L).block(WAIT);
        emulator.takeRequest(WAIT);

        assertThatThrownBy(() -> emulator.takeRequest(Duration.ofMillis(200)))
                .isInstanceOf(AssertionError.class)
                .hasMessage("No request reached the DBbrain emulator within PT0.2S (1 request received since the"
                        + " start or the last resetScripting(), none of them left to take)");
        assertThatThrownBy(() -> emulator.takeRequest(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
    }

    @Test
    void takeRequestNeverWaitsOnANonBlockingThreadWherePollRequestServes() {
        DbbrainEmulator emulator = emulator();
        describe(client(emulator), "crs-script11", 1L).block(WAIT);

        StepVerifier.create(Mono.fromCallable(() -> emulator.takeRequest(WAIT)).subscribeOn(Schedulers.parallel()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("non-blocking thread").hasMessageContaining("pollRequest()"))
                .verify(WAIT);
        StepVerifier.create(Mono.fromCallable(emulator::pollRequest).subscribeOn(Schedulers.parallel()))
                .assertNext(polled -> assertThat(polled).hasValueSatisfying(r -> assertThat(r.action())
                        .contains(DESCRIBE)))
                .verifyComplete();
    }

    @Test
    void takeRequestWaitsForARequestThatArrivesLater() throws Exception {
        DbbrainEmulator emulator = emulator();
        DbbrainClient client = client(emulator);
        CountDownLatch waiting = new CountDownLatch(1);
        TestSubscriber<DescribeProxySessionKillTasksResponse> answer = TestSubscriber.create();
        Mono.fromRunnable(waiting::countDown).then(Mono.delay(Duration.ofMillis(100)))
                .then(describe(client, "crs-script12", 3L)).subscribe(answer);
        waiting.await();

        assertThat(emulator.takeRequest(WAIT).parameters()).containsEntry("AsyncRequestIds.0", "3");
    }

    @Test
    void recordedRequestsNeverHoldTheSecretKeyTheTokenOrTheSignature() {
        DbbrainEmulator emulator = emulator(b -> b.temporaryCredentials(SignedCalls.SECRET_ID, SignedCalls.SECRET_KEY,
                TOKEN));
        DbbrainClient client = client(emulator);
        create(client, "crs-secret01").block(WAIT);
        describe(client, "crs-secret01", TaskBook.FIRST_ID).block(WAIT);
        long now = Instant.now().getEpochSecond();
        // Signature v1 carries the signature and the token among its parameters, in the body or the query.
        assertThat(V1Call.describe(emulator, now, "crs-secret01", TaskBook.FIRST_ID).with("Token", TOKEN).exchange()
                .errorCode()).isNull();
        assertThat(V1Call.create(emulator, now, "crs-secret01").with("Token", TOKEN).get().exchange().errorCode())
                .isNull();

        List<RecordedRequest> recorded = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            recorded.add(emulator.takeRequest(WAIT));
        }
        assertThat(recorded).allSatisfy(r -> {
            assertThat(r.signatureVerified()).isTrue();
            assertThat(r.header("Authorization")).isEmpty();
            assertThat(r.header("X-TC-Token")).isEmpty();
            assertThat(r.parameters()).doesNotContainKeys("Signature", "Token", "SecretId", "Nonce");
            String everything = String.join("|", r.toString(), String.valueOf(r.parameters()),
                    new String(r.body(), StandardCharsets.ISO_8859_1), r.secretId().orElse(""),
                    String.valueOf(r.signedHeaders()), r.signatureMethod().orElse(""),
                    r.header("Content-Type").orElse(""));
            assertThat(everything).doesNotContain(SECRET_KEY, SignedCalls.SECRET_KEY, TOKEN, "Signature=",
                    "Hw2Lp6", "Qm4Zr8");
        });
        assertThat(recorded).extracting(r -> r.signatureMethod().orElseThrow())
                .containsExactly("TC3-HMAC-SHA256", "TC3-HMAC-SHA256", "HmacSHA256", "HmacSHA256");
        assertThat(recorded.get(2).parameters()).as("v1 describe, its fields only")
                .containsExactly(Map.entry("InstanceId", "crs-secret01"), Map.entry("Product", "redis"),
                        Map.entry("AsyncRequestIds.0", Long.toString(TaskBook.FIRST_ID)));
        assertThat(recorded.get(2).body()).as("a v1 form body carries the signature: not kept").isEmpty();
        assertThat(recorded.get(3).method()).isEqualTo("GET");
        assertThat(recorded.get(3).action()).contains(CREATE);
        assertThat(emulator.toString()).doesNotContain(SECRET_KEY, TOKEN);
    }

    @Test
    void aDelayedAnswerWaitsOnTheEmulatorsSchedulerSoVirtualTimeDrivesIt() throws Exception {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        try {
            DbbrainEmulator emulator = emulator(b -> b.scheduler(time));
            DbbrainClient client = client(emulator, b -> b.responseTimeout(Duration.ofSeconds(30)));
            emulator.enqueue(CREATE, EmulatorAnswer.created(31).delayed(Duration.ofMinutes(10)));
            CompletableFuture<CreateProxySessionKillTaskResponse> answer = create(client, "crs-delay001").toFuture();

            emulator.takeRequest(WAIT);
            // Whatever the machine's load, no answer can come before the virtual clock moves.
            Thread.sleep(300);
            assertThat(answer).as("ten virtual minutes have not passed").isNotDone();
            time.advanceTimeBy(Duration.ofMinutes(10));
            assertThat(answer.get(WAIT.toSeconds(), TimeUnit.SECONDS).asyncRequestId()).isEqualTo(31);
        } finally {
            time.dispose();
        }
    }

    @Test
    void aTrickledBodyArrivesInPiecesNoFasterThanItsInterval() {
        DbbrainEmulator emulator = emulator();
        emulator.dispatcher(r -> EmulatorAnswer.created(12345).trickled(8, Duration.ofMillis(60)));
        DbbrainClient client = client(emulator);
        long t0 = System.nanoTime();
        assertThat(create(client, "crs-trickle1").block(WAIT).asyncRequestId()).isEqualTo(12345);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        // The envelope is about 90 bytes: at least nine pieces of 8 bytes, each sent 60 ms after the one before.
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(9 * 60));
    }

    @Test
    void aResetAndASilenceEndTheCallAsTransportFailures() {
        DbbrainEmulator emulator = emulator();
        DbbrainClient client = client(emulator, b -> b.responseTimeout(Duration.ofMillis(300)));
        emulator.enqueue(DESCRIBE, EmulatorAnswer.reset(), EmulatorAnswer.noAnswer());

        assertThat(failure(describe(client, "crs-script13", 1L))).isInstanceOfSatisfying(
                DbbrainTransportException.class, e -> assertThat(e.requestSent()).isTrue());
        assertThat(failure(describe(client, "crs-script13", 1L))).isInstanceOf(DbbrainTransportException.class)
                .hasMessageContaining("response timeout");
        assertThat(emulator.stats().errors()).containsEntry("scripted.reset", 1L)
                .containsEntry("scripted.noAnswer", 1L);
    }

    @Test
    void aRawAnswerSendsExactlyItsStatusHeadersAndBody() {
        DbbrainEmulator emulator = emulator();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "text/plain");
        headers.put("X-Hostile", "yes");
        emulator.dispatcher(r -> EmulatorAnswer.raw(418, headers, "not json".getBytes(StandardCharsets.UTF_8)));
        DbbrainClient client = client(emulator);
        // Captured from the client's own HttpClient, so that the exact headers are seen.
        List<io.netty.handler.codec.http.HttpHeaders> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        DbbrainClient watching = client(emulator, b -> b.httpClient(HttpClient.create()
                .doOnResponse((response, connection) -> seen.add(response.responseHeaders().copy()))));

        assertThat(failure(create(client, "crs-raw0001"))).isInstanceOfSatisfying(DbbrainHttpException.class,
                e -> {
                    assertThat(e.status()).isEqualTo(418);
                    assertThat(e.bodySnippet()).isEqualTo("not json");
                });
        failure(create(watching, "crs-raw0001"));
        assertThat(seen).singleElement().satisfies(h -> {
            assertThat(h.get("X-Hostile")).isEqualTo("yes");
            assertThat(h.contains("Date")).as("nothing added").isFalse();
            assertThat(h.contains("Content-Length")).isFalse();
            assertThat(h.get("Transfer-Encoding")).isEqualTo("chunked");
        });
        assertThat(emulator.stats().errors()).containsEntry("scripted.raw", 2L);
    }

    @Test
    void aRawAnswerDeclaringMoreThanItsBodyStallsOrWithDisconnectAtEndIsCutShort() {
        DbbrainEmulator emulator = emulator();
        Map<String, String> headers = Map.of("Content-Type", "application/json", "Content-Length", "500");
        byte[] start = "{\"Response\":{".getBytes(StandardCharsets.UTF_8);
        emulator.enqueue(DESCRIBE, EmulatorAnswer.raw(200, headers, start),
                EmulatorAnswer.raw(200, headers, start).disconnectAtEnd());
        DbbrainClient impatient = client(emulator, b -> b.responseTimeout(Duration.ofMillis(500)));
        // Far longer than the test waits: only the close can end the second call in time.
        DbbrainClient patient = client(emulator, b -> b.responseTimeout(Duration.ofMinutes(5)));

        assertThat(failure(describe(impatient, "crs-raw0002", 1L))).as("stalls").isInstanceOf(
                DbbrainTransportException.class).hasMessageContaining("response timeout");
        assertThat(failure(describe(patient, "crs-raw0002", 1L))).as("cut short")
                .isInstanceOf(dev.dbbrain.reactive.DbbrainException.class)
                .hasMessageNotContaining("response timeout");
    }

    @Test
    void theRecordedRequestsAreBoundedButTheirCountIsNot() {
        DbbrainEmulator emulator = emulator(b -> b.maxRecordedRequests(2));
        DbbrainClient client = client(emulator);
        for (long id = 1; id <= 5; id++) {
            describe(client, "crs-bound001", id).block(WAIT);
        }

        assertThat(emulator.requestCount()).isEqualTo(5);
        assertThat(emulator.pollRequest()).hasValueSatisfying(r -> assertThat(r.sequenceNumber()).isEqualTo(3));
        assertThat(emulator.pollRequest()).hasValueSatisfying(r -> assertThat(r.parameters())
                .containsEntry("AsyncRequestIds.0", "5"));
        assertThat(emulator.pollRequest()).isEmpty();
    }

    @Test
    void resetScriptingForgetsQueuesDispatcherAndRecordingsButNotTheTasks() {
        DbbrainEmulator emulator = emulator();
        DbbrainClient client = client(emulator);
        long id = create(client, "crs-reset001").block(WAIT).asyncRequestId();
        emulator.enqueue(CREATE, EmulatorAnswer.created(1));
        emulator.dispatcher(r -> EmulatorAnswer.httpStatus(500));

        emulator.resetScripting();

        assertThat(emulator.requestCount()).isZero();
        assertThat(emulator.pollRequest()).isEmpty();
        assertThat(describe(client, "crs-reset001", id).block(WAIT).tasks()).singleElement()
                .satisfies(t -> assertThat(t.asyncRequestId()).isEqualTo(id));
        assertThat(create(client, "crs-reset001").block(WAIT).asyncRequestId()).isEqualTo(id + 1);
        assertThat(emulator.takeRequest(WAIT).sequenceNumber()).isZero();
    }

    @Test
    void concurrentEnqueuersAndCallsTakeEachAnswerExactlyOnce() {
        DbbrainEmulator emulator = emulator(b -> b.rateLimit(0));
        DbbrainClient client = client(emulator);
        // Two threads enqueue at once, one answer at a time, and both are done before the calls start.
        Flux.range(1, 2).flatMap(half -> Mono.fromRunnable(() -> {
            for (int i = 0; i < 50; i++) {
                emulator.enqueue(CREATE, EmulatorAnswer.created(half * 1000 + i));
            }
        }).subscribeOn(Schedulers.boundedElastic())).then().block(WAIT);

        List<Long> ids = Flux.range(0, 100).flatMap(i -> create(client, "crs-many0001"), 16)
                .map(CreateProxySessionKillTaskResponse::asyncRequestId).collectList().block(WAIT);

        assertThat(ids).hasSize(100).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id % 1000).isLessThan(50));
        assertThat(emulator.stats().tasksCreated()).isZero();
        assertThat(create(client, "crs-many0001").block(WAIT).asyncRequestId()).as("all taken")
                .isEqualTo(TaskBook.FIRST_ID);
    }
}
