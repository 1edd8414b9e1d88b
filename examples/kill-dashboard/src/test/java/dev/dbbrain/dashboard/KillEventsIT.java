package dev.dbbrain.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import dev.dbbrain.reactive.spring.DbbrainClientCustomizer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The HTTP API against the running application and its embedded emulator. The emulator and the client run on a
 * {@link MovableClock} and a task's step is an hour: a task moves only when a test moves the clock, so what a test
 * sees does not depend on how fast a loaded machine polls.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "dashboard.emulator.step-duration=" + KillEventsIT.STEP_HOURS + "h")
@AutoConfigureWebTestClient(timeout = "60s")
@ActiveProfiles("it")
class KillEventsIT {

    static final int STEP_HOURS = 1;
    private static final Duration STEP = Duration.ofHours(STEP_HOURS);
    /** Created, chosen, then one step per proxy (3 in the it profile): after this every task has ended. */
    private static final Duration WHOLE_TASK = STEP.multipliedBy(5);
    private static final Duration STREAM_TIMEOUT = Duration.ofSeconds(60);
    /** How long a hand-driven connection waits for an answer or a close: the failure it catches waits for ever. */
    private static final Duration RAW_WAIT = Duration.ofSeconds(30);

    @Autowired
    private WebTestClient web;

    @Autowired
    private MovableClock clock;

    @LocalServerPort
    private int port;

    @Test
    void killReturnsTheTaskIdAndItsEventStream() {
        KillController.KillStarted started = kill("crs-demo0001");

        assertThat(started.instanceId()).isEqualTo("crs-demo0001");
        assertThat(started.taskId()).isPositive();
        assertThat(started.events())
                .isEqualTo("/api/instances/crs-demo0001/tasks/" + started.taskId() + "/events");
        assertThat(started.requestId()).isNotBlank();
    }

    @Test
    void eventsStreamTheTaskInOrderWithHeartbeatsAndCompleteAfterTheTerminalState() {
        KillController.KillStarted started = kill("crs-demo0002");

        List<ServerSentEvent<TaskInfo>> events = web.get().uri(started.events())
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<TaskInfo>>() { })
                .getResponseBody()
                .doOnNext(new OneStepPerStateSeen())
                .collectList()
                .block(STREAM_TIMEOUT);   // completes only because the stream ends after the terminal state

        assertThat(events).isNotNull();
        List<TaskInfo> states = events.stream().map(ServerSentEvent::data).filter(Objects::nonNull).toList();
        assertThat(events).filteredOn(e -> e.data() != null)
                .allSatisfy(e -> assertThat(e.event()).isEqualTo(TaskEvents.TASK));
        assertThat(events).filteredOn(e -> e.data() == null)
                .allSatisfy(e -> assertThat(e.comment()).isEqualTo(TaskEvents.HEARTBEAT));
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).data() != null && !events.get(i).data().isTerminal()) {
                assertThat(events.get(i + 1).comment()).as("a heartbeat comment after the state %s, before the next",
                        events.get(i).data().status()).isEqualTo(TaskEvents.HEARTBEAT);
            }
        }
        assertThat(states).allSatisfy(s -> assertThat(s.asyncRequestId()).isEqualTo(started.taskId()));
        assertThat(states).as("every state of the task's life once, in order (the task waits for the test at each)")
                .extracting(s -> s.taskStatus() + " " + s.progress())
                .containsExactly("CREATED 0", "CHOSEN 0", "RUNNING 0", "RUNNING 33", "RUNNING 66", "FINISHED 100");
        TaskInfo last = states.get(states.size() - 1);
        assertThat(last.taskStatus()).isEqualTo(TaskStatus.FINISHED);
        assertThat(last.progress()).isEqualTo(100);
        assertThat(last.finishedProxyList()).hasSize(3);
        assertThat(last.failedProxyList()).isEmpty();
        assertThat(states.subList(0, states.size() - 1)).noneMatch(TaskInfo::isTerminal);
        assertThat(events.get(events.size() - 1).data()).as("nothing after the terminal state").isEqualTo(last);
    }

    @Test
    void aTaskTheServiceDoesNotReportEndsTheStreamWithAWatchErrorEvent() {
        List<ServerSentEvent<String>> events = web.get().uri("/api/instances/crs-demo0003/tasks/1/events")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange()
                .expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .getResponseBody()
                .filter(e -> e.comment() == null)
                .collectList()
                .block(STREAM_TIMEOUT);

        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.event()).isEqualTo(TaskEvents.WATCH_ERROR);
            assertThat(e.data()).contains("\"code\":\"WatchNotFound\"").contains("\"lastSeen\":null");
        });
    }

    @Test
    void aMalformedInstanceIdIsABadRequestNamingIt() {
        web.post().uri("/api/instances/{id}/kill", "crs demo!")
                .contentType(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.detail").value(String.class, detail -> assertThat(detail)
                        .startsWith("instanceId must be 1 to 64 letters, digits, '-' or '_'")
                        .contains("got 'crs demo!'"));
    }

    @Test
    void aTaskIdThatIsNotAPositiveNumberIsABadRequestNamingIt() {
        for (String taskId : List.of("abc", "0", "-5", "99999999999999999999")) {
            web.get().uri("/api/instances/crs-demo0001/tasks/{task}/events", taskId)
                    .accept(MediaType.TEXT_EVENT_STREAM)   // as a browser's EventSource asks
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.detail").value(String.class, detail -> assertThat(detail)
                            .startsWith("taskId must be a positive integer")
                            .contains("got '" + taskId + "'"));
        }
    }

    /**
     * The hang of issue 22, made deterministic. Reactor Netty 1.3.7's server stops reading a keep-alive connection
     * when a request that waited in its queue (sent before the previous answer was finished) is answered before its
     * own end was read, as a 400 is: the request after it is then neither answered nor closed. A client that sends
     * its next request while the server is still finishing the previous answer hits the same queue without
     * pipelining; that is how one {@code .ci/run} lost 60 s in {@link #aTaskIdThatIsNotAPositiveNumberIsABadRequestNamingIt}.
     */
    @Test
    void theRequestAfterAQueuedBadRequestIsAnsweredOrClosedNeverLeftHanging() throws IOException {
        try (RawHttpConnection connection = new RawHttpConnection(port, RAW_WAIT)) {
            // A kill (answered after a round trip to the emulator), and queued behind it a 400 (answered at once).
            connection.send(
                    RawHttpConnection.request("POST", "/api/instances/crs-demo0008/kill", port,
                            "Content-Type: application/json"),
                    RawHttpConnection.request("GET", "/api/instances/crs-demo0008/tasks/abc/events", port,
                            "Accept: text/event-stream"));
            assertThat(connection.next()).as("the kill")
                    .isInstanceOfSatisfying(RawHttpConnection.Answer.class, a -> assertThat(a.status()).isEqualTo(201));
            assertThat(connection.next()).as("the queued bad request: answered, or refused by closing")
                    .satisfiesAnyOf(
                            o -> assertThat(o).isInstanceOfSatisfying(RawHttpConnection.Answer.class,
                                    a -> assertThat(a.status()).isEqualTo(400)),
                            o -> assertThat(o).isInstanceOf(RawHttpConnection.Closed.class));

            connection.send(RawHttpConnection.request("GET", "/api/backend", port));
            assertThat(connection.next()).as("the next request on the connection: answered or closed, not silence")
                    .isNotInstanceOf(RawHttpConnection.Silence.class);
        }
    }

    @Test
    void anInstanceTheServiceDoesNotKnowIsNotFoundWithTheServiceCodeAndRequestId() {
        // The emulator knows crs- followed by eight lower-case letters or digits, like the real IDs.
        web.post().uri("/api/instances/{id}/kill", "redis-unknown")
                .contentType(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.NOT_FOUND)
                .expectBody()
                .jsonPath("$.code").value(String.class, code -> assertThat(code).startsWith("ResourceNotFound"))
                .jsonPath("$.action").isEqualTo("CreateProxySessionKillTask")
                .jsonPath("$.requestId").value(String.class, id -> assertThat(id).isNotBlank());
    }

    @Test
    void killNeedsAJsonRequestSoThatOtherSitesCannotPostAForm() {
        web.post().uri("/api/instances/{id}/kill", "crs-demo0001")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
        // What a browser asks before sending JSON to another site: the answer allows no origin, so it sends nothing.
        web.options().uri("/api/instances/{id}/kill", "crs-demo0001")
                .header("Origin", "https://elsewhere.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .exchange()
                .expectHeader().doesNotExist("Access-Control-Allow-Origin");
    }

    @Test
    void theLibrarysMetersAreInTheActuatorWithTheActionAsTag() {
        KillController.KillStarted started = kill("crs-demo0005");
        clock.advance(WHOLE_TASK);
        web.get().uri(started.events()).accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .returnResult(String.class).getResponseBody().then().block(STREAM_TIMEOUT);

        web.get().uri("/actuator/metrics/dbbrain.client.requests?tag=action:CreateProxySessionKillTask&tag=outcome:SUCCESS")
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.measurements[?(@.statistic == 'COUNT')].value")
                .value(List.class, counts -> assertThat(((Number) counts.get(0)).doubleValue()).isGreaterThanOrEqualTo(1));
        web.get().uri("/actuator/metrics/dbbrain.client.requests?tag=action:DescribeProxySessionKillTasks")
                .exchange()
                .expectStatus().isOk();
        web.get().uri("/actuator/metrics/dbbrain.watch.updates?tag=status:finished")
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.availableTags[*].tag").value(List.class, tags -> assertThat(tags)
                        .as("no unbounded tag such as a task or instance ID").doesNotContain("instance", "task"));
    }

    @Test
    void theBackendIsTheEmulator() {
        web.get().uri("/api/backend").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.emulator").isEqualTo(true).jsonPath("$.backend").isEqualTo("emulator");
    }

    @Test
    void aRebindingHostIsForbiddenEvenWithAMatchingOrigin() {
        // The reproduction: after DNS rebinding the attacker's page is same-origin with the dashboard in the
        // browser's eyes, but its requests name the attacker's host. That used to create a task (201).
        web.post().uri("/api/instances/{id}/kill", "crs-demo0001")
                .header("Host", "attacker.example:18080")
                .header("Origin", "http://attacker.example:18080")
                .contentType(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("NotThisDashboard");
        for (String path : List.of("/", "/api/backend", "/api/instances/crs-demo0001/tasks/1/events")) {
            web.get().uri(path).header("Host", "attacker.example").exchange().expectStatus().isForbidden();
        }
    }

    @Test
    void anotherOriginIsForbiddenOnTheApiWhateverTheContentType() {
        web.post().uri("/api/instances/{id}/kill", "crs-demo0001")
                .header("Origin", "https://elsewhere.example")
                .contentType(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus().isForbidden();
        web.get().uri("/api/instances/crs-demo0001/tasks/1/events")
                .header("Origin", "null")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange()
                .expectStatus().isForbidden();
    }

    @Test
    void theDashboardsOwnOriginAndLoopbackNamesAreAccepted() {
        web.post().uri("/api/instances/{id}/kill", "crs-demo0006")
                .header("Origin", "http://localhost:" + port)
                .contentType(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus().isCreated();
        for (String host : List.of("127.0.0.1:" + port, "[::1]:" + port, "LOCALHOST")) {
            web.get().uri("/api/backend").header("Host", host).exchange().expectStatus().isOk();
        }
    }

    @Test
    void everyAnswerNamesTheBackendThatServedIt() {
        KillController.KillStarted started = kill("crs-demo0007");
        assertThat(started.backend()).isEqualTo("emulator");
        web.get().uri("/api/backend").exchange()
                .expectHeader().valueEquals(BackendGuard.HEADER, "emulator");
        web.post().uri("/api/instances/{id}/kill", "crs demo!").contentType(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().valueEquals(BackendGuard.HEADER, "emulator");
        clock.advance(WHOLE_TASK);
        web.get().uri(started.events()).accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectHeader().valueEquals(BackendGuard.HEADER, "emulator")
                .returnResult(String.class).getResponseBody().then().block(STREAM_TIMEOUT);
        web.get().uri("/").exchange().expectHeader().valueEquals(BackendGuard.HEADER, "emulator");
    }

    /**
     * Moves the emulator's clock one step once the stream has shown the current state and then a heartbeat, so the
     * task waits in each state until the test has seen it, and a heartbeat comes between every two states.
     */
    private final class OneStepPerStateSeen implements Consumer<ServerSentEvent<TaskInfo>> {

        private TaskInfo current;
        private boolean stepped;

        @Override
        public void accept(ServerSentEvent<TaskInfo> event) {
            if (event.data() != null) {
                current = event.data();
                stepped = false;
            } else if (current != null && !current.isTerminal() && !stepped) {
                stepped = true;
                clock.advance(STEP);
            }
        }
    }

    /** The clock the emulator (and, for signatures that stay in its window, the client) runs on. */
    @TestConfiguration(proxyBeanMethods = false)
    static class MovableTime {

        @Bean
        MovableClock movableClock() {
            return new MovableClock();
        }

        @Bean
        EmulatorConfiguration.EmulatorClock emulatorClock(MovableClock clock) {
            return new EmulatorConfiguration.EmulatorClock(clock);
        }

        @Bean
        DbbrainClientCustomizer clientOnTheMovableClock(MovableClock clock) {
            return builder -> builder.clock(clock);
        }
    }

    private KillController.KillStarted kill(String instanceId) {
        return web.post().uri("/api/instances/{id}/kill", instanceId)
                .contentType(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus().isCreated()
                .expectHeader().value("Location", location -> assertThat(location).endsWith("/events"))
                .expectHeader().valueEquals(BackendGuard.HEADER, "emulator")
                .expectBody(KillController.KillStarted.class)
                .returnResult()
                .getResponseBody();
    }
}
