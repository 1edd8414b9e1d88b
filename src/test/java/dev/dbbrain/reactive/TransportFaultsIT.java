package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorAnswer;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.testing.LossyProxy;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.test.StepVerifier;
import reactor.test.subscriber.TestSubscriber;

/**
 * Hostile transport under retries and watches, beyond the single calls of {@code DbbrainClientHttpIT}: servers that
 * stop answering or stall mid-body end a Describe after its retries and a watch with {@code POLL_FAILED}, never
 * resend a Create, and an endpoint that goes away and comes back on the same port (the emulator restarted, or the
 * front end in front of it) is survived by calls and watches alike.
 */
class TransportFaultsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Credentials CREDS = Credentials.of("AKIDtransport", "transport-key");
    private static final Duration RESPONSE_TIMEOUT = Duration.ofMillis(300);
    private static final EmulatorAnswer RUNNING = EmulatorAnswer.tasks(new TaskInfo(7, "crs-stall001", "running",
            33, List.of("p1", "p2", "p3"), 3, List.of("p1"), List.of(),
            Optional.of(Instant.parse("2026-11-28T02:00:00Z")), Optional.of(Instant.parse("2026-11-28T02:00:01Z")),
            Optional.empty())).withRequestId("req-running");

    /** An emulator that answers every request with a scripted failure, after what was queued. */
    private DbbrainEmulator server;
    private DbbrainEmulator emulator;
    private LossyProxy front;
    private DbbrainClient client;

    @AfterEach
    void tearDown() {
        for (AutoCloseable c : new AutoCloseable[] {client, front, emulator, server}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** How a server fails to deliver an answer. */
    enum Silence {
        NEVER_ANSWERS, STALLS_MID_BODY;

        /** Never a byte, or two thousand bytes declared and 23 sent. */
        EmulatorAnswer answer() {
            if (this == NEVER_ANSWERS) {
                return EmulatorAnswer.noAnswer();
            }
            return EmulatorAnswer.raw(200, Map.of("Content-Type", "application/json", "Content-Length", "2000"),
                    "{\"Response\":{\"Tasks\":[".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static DbbrainEmulator answering(EmulatorAnswer answer) {
        DbbrainEmulator emulator = DbbrainEmulator.builder().credentials(CREDS.secretId(), CREDS.secretKey())
                .rateLimit(0).start();
        emulator.dispatcher(request -> answer);
        return emulator;
    }

    private DbbrainClient.Builder clientFor(String endpoint) {
        return DbbrainClient.builder().endpoint(endpoint).credentials(CREDS).rateLimiter(RateLimiter.unlimited())
                .responseTimeout(RESPONSE_TIMEOUT).retryBackoff(Duration.ofMillis(10), Duration.ofMillis(40));
    }

    @ParameterizedTest
    @EnumSource(Silence.class)
    void aDescribeGivesUpAfterItsRetriesWithATimeoutAndACreateIsSentOnce(Silence silence) {
        server = answering(silence.answer());
        client = clientFor(server.endpoint()).maxRetries(3).build();
        long t0 = System.nanoTime();
        StepVerifier.create(client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-1", 1L)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainTransportException.class)
                        .hasMessageContaining("response timeout of " + RESPONSE_TIMEOUT)
                        .hasCauseInstanceOf(ReadTimeoutException.class))
                .verify(WAIT);
        // Each of the four attempts waited its full response timeout: none hung, none was cut short.
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(4 * RESPONSE_TIMEOUT.toNanos());
        assertThat(server.requestCount()).isEqualTo(4);

        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(DbbrainTransportException.class);
                    // It may have reached the service: the outcome is unknown, so it is not sent again.
                    assertThat(((DbbrainTransportException) e).requestSent()).isTrue();
                })
                .verify(WAIT);
        assertThat(server.requestCount()).isEqualTo(5);
    }

    @ParameterizedTest
    @EnumSource(Silence.class)
    void aWatchWhoseServerFallsSilentEndsWithPollFailedAndTheLastStateSeen(Silence silence) {
        server = answering(silence.answer());
        server.enqueue("DescribeProxySessionKillTasks", RUNNING);
        client = clientFor(server.endpoint()).maxRetries(2).build();
        StepVerifier.create(client.watch("crs-stall001", 7, WatchOptions.defaults().pollInterval(
                        Duration.ofMillis(50))))
                .assertNext(t -> assertThat(t.progress()).isEqualTo(33))
                .expectErrorSatisfies(e -> {
                    DbbrainWatchException we = (DbbrainWatchException) e;
                    assertThat(we.reason()).isEqualTo(DbbrainWatchException.Reason.POLL_FAILED);
                    assertThat(we.getCause()).isInstanceOf(DbbrainTransportException.class)
                            .hasCauseInstanceOf(ReadTimeoutException.class);
                    assertThat(we.lastSeen()).map(TaskInfo::status).contains("running");
                })
                .verify(WAIT);
        // The first poll, then one that failed three times (two retries).
        assertThat(server.requestCount()).isEqualTo(4);
        KillWorkload.awaitIdle(client);
    }

    @Test
    void callsSurviveTheEmulatorRestartingOnTheSamePort() {
        emulator = DbbrainEmulator.builder().credentials("AKIDtransport", "transport-key").rateLimit(0).start();
        int port = emulator.port();
        client = clientFor(emulator.endpoint()).maxRetries(50).retryBackoff(Duration.ofMillis(20),
                Duration.ofMillis(100)).build();
        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-restart1")))
                .expectNextCount(1).verifyComplete();
        emulator.stop();

        // While the port is closed: both calls are refused, and retried, since a refused request was never sent.
        TestSubscriber<DescribeProxySessionKillTasksResponse> describe = TestSubscriber.create();
        TestSubscriber<CreateProxySessionKillTaskResponse> create = TestSubscriber.create();
        client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-restart1", 14672492L))
                .subscribe(describe);
        // Once the Describe is being refused, the pool surely holds no connection to the old emulator.
        awaitReal(() -> client.stats().retries() >= 2, "refused Describe retried");
        long retries = client.stats().retries();
        client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-restart2")).subscribe(create);
        awaitReal(() -> client.stats().retries() >= retries + 4, "refused calls retried");
        assertThat(describe.isTerminated()).isFalse();
        assertThat(create.isTerminated()).isFalse();

        emulator = DbbrainEmulator.builder().credentials("AKIDtransport", "transport-key").rateLimit(0).port(port)
                .start();
        awaitReal(() -> describe.isTerminated() && create.isTerminated(), "calls answered after the restart");
        assertThat(describe.expectTerminalSignal().isOnComplete()).isTrue();
        // A new emulator: the task of before the restart is gone from its memory, and the call says so.
        assertThat(describe.getReceivedOnNext()).singleElement()
                .satisfies(r -> assertThat(r.tasks()).isEmpty());
        assertThat(create.getReceivedOnNext()).hasSize(1);
        assertThat(emulator.stats().tasksCreated()).isEqualTo(1);
    }

    @Test
    void aWatchContinuesWhenItsEndpointGoesAwayAndComesBackOnTheSamePort() {
        emulator = DbbrainEmulator.builder().credentials("AKIDtransport", "transport-key").rateLimit(0)
                .stepDuration(Duration.ofMillis(400)).proxies(3).start();
        front = LossyProxy.forward(emulator.endpoint(), 0);
        int port = front.port();
        client = clientFor(front.endpoint()).maxRetries(100).retryBackoff(Duration.ofMillis(20),
                Duration.ofMillis(100)).build();
        long id = client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-restart3"))
                .block(WAIT).asyncRequestId();
        TestSubscriber<TaskInfo> watcher = TestSubscriber.create();
        client.watch("crs-restart3", id, WatchOptions.defaults().pollInterval(Duration.ofMillis(50)))
                .subscribe(watcher);
        awaitReal(() -> !watcher.getReceivedOnNext().isEmpty(), "a first state");
        front.close();
        // Polls are refused now: retried within the client's budget, the watch goes on.
        long retries = client.stats().retries();
        awaitReal(() -> client.stats().retries() >= retries + 3, "refused polls retried");
        assertThat(watcher.isTerminated()).isFalse();
        front = LossyProxy.forward(emulator.endpoint(), port);

        awaitReal(watcher::isTerminated, "the watch to end");
        assertThat(watcher.isTerminatedComplete()).isTrue();
        List<TaskInfo> states = watcher.getReceivedOnNext();
        TaskInfo last = states.get(states.size() - 1);
        assertThat(last.taskStatus()).isEqualTo(TaskStatus.FINISHED);
        assertThat(emulator.stats().tasks()).singleElement().satisfies(t -> assertThat(t.status())
                .isEqualTo("finished"));
        for (int i = 1; i < states.size(); i++) {
            assertThat(TaskLoop.regresses(states.get(i - 1), states.get(i))).isFalse();
        }
        KillWorkload.awaitIdle(client);
    }

    @Test
    void aWatchWhoseEndpointNeverComesBackEndsWithPollFailedOnARefusal() {
        emulator = DbbrainEmulator.builder().credentials("AKIDtransport", "transport-key").rateLimit(0)
                .stepDuration(Duration.ofHours(1)).start();
        front = LossyProxy.forward(emulator.endpoint(), 0);
        client = clientFor(front.endpoint()).maxRetries(3).build();
        long id = client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-gone0001"))
                .block(WAIT).asyncRequestId();
        TestSubscriber<TaskInfo> watcher = TestSubscriber.create();
        client.watch("crs-gone0001", id, WatchOptions.defaults().pollInterval(Duration.ofMillis(50)))
                .subscribe(watcher);
        awaitReal(() -> !watcher.getReceivedOnNext().isEmpty(), "a first state");
        front.close();
        front = null;
        awaitReal(watcher::isTerminated, "the watch to end");
        assertThat(watcher.expectTerminalError()).isInstanceOfSatisfying(DbbrainWatchException.class, e -> {
            assertThat(e.reason()).isEqualTo(DbbrainWatchException.Reason.POLL_FAILED);
            assertThat(e.getCause()).isInstanceOf(DbbrainTransportException.class).hasMessageContaining("refused")
                    .hasRootCauseInstanceOf(ConnectException.class);
            assertThat(e.lastSeen()).map(TaskInfo::status).contains("created");
        });
        KillWorkload.awaitIdle(client);
    }

    private static void awaitReal(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
