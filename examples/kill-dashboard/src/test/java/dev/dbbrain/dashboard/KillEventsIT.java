package dev.dbbrain.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The HTTP API against the running application and its embedded emulator. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "60s")
@ActiveProfiles("it")
class KillEventsIT {

    private static final Duration STREAM_TIMEOUT = Duration.ofSeconds(60);

    @Autowired
    private WebTestClient web;

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
                .collectList()
                .block(STREAM_TIMEOUT);   // completes only because the stream ends after the terminal state

        assertThat(events).isNotNull();
        List<TaskInfo> states = events.stream().map(ServerSentEvent::data).filter(Objects::nonNull).toList();
        assertThat(events).filteredOn(e -> e.data() != null)
                .allSatisfy(e -> assertThat(e.event()).isEqualTo(TaskEvents.TASK));
        assertThat(events).as("heartbeat comments between the states")
                .anySatisfy(e -> {
                    assertThat(e.comment()).isEqualTo(TaskEvents.HEARTBEAT);
                    assertThat(e.data()).isNull();
                });
        assertThat(states).allSatisfy(s -> assertThat(s.asyncRequestId()).isEqualTo(started.taskId()));
        assertThat(states).as("each state once, in the order of the task's life")
                .extracting(s -> s.status() + " " + s.progress()).doesNotHaveDuplicates();
        assertThat(states).extracting(TaskInfo::progress).isSorted();
        assertThat(states).extracting(TaskInfo::taskStatus)
                .isSortedAccordingTo((a, b) -> Integer.compare(rank(a), rank(b)));
        assertThat(states.size()).as("seen before the end too: polled every 100 ms, a step is 250 ms")
                .isGreaterThan(2);
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
        web.get().uri(started.events()).accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectHeader().valueEquals(BackendGuard.HEADER, "emulator")
                .returnResult(String.class).getResponseBody().then().block(STREAM_TIMEOUT);
        web.get().uri("/").exchange().expectHeader().valueEquals(BackendGuard.HEADER, "emulator");
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

    private static int rank(TaskStatus status) {
        return switch (status) {
            case CREATED -> 0;
            case CHOSEN -> 1;
            case RUNNING -> 2;
            case FINISHED, FAILED -> 3;
            case UNKNOWN -> -1;
        };
    }
}
