package dev.dbbrain.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.testing.AutoConfigureDbbrainEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The application against the emulator of the test artifact, with one annotation: a kill through the controller,
 * its Server-Sent Events read to {@code finished} (with the JSON shape of {@code TaskInfo} the README documents),
 * and the client's meters under {@code /actuator/metrics}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureDbbrainEmulator
class KillApplicationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** TaskInfo as JSON, the same on Jackson 2 (Boot 3.5) and Jackson 3 (Boot 4.x). */
    private static final List<String> TASK_INFO_FIELDS = List.of("asyncRequestId", "instanceId", "status",
            "progress", "instProxyList", "instProxyCount", "finishedProxyList", "failedProxyList", "createTime",
            "startTime", "endTime", "terminal");
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":");
    private static final String INSTANT = "\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z\"";

    @Value("${local.server.port}")
    int port;
    @Autowired
    DbbrainEmulator emulator;

    private WebTestClient web;

    @BeforeEach
    void web() {
        web = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(WAIT).build();
    }

    @Test
    void aKillThroughTheControllerIsStreamedToFinishedAsServerSentEvents() {
        Long task = web.post().uri("/instances/crs-matrix01/kill").exchange()
                .expectStatus().isOk()
                .expectBody(Long.class).returnResult().getResponseBody();

        List<String> events = web.get().uri("/instances/crs-matrix01/tasks/{task}/events", task)
                .accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk()
                .returnResult(String.class).getResponseBody().collectList().block(WAIT);

        assertThat(events).isNotEmpty().allSatisfy(json -> {
            assertThat(fields(json)).containsExactlyInAnyOrderElementsOf(TASK_INFO_FIELDS);
            assertThat(json).contains("\"asyncRequestId\":" + task, "\"instanceId\":\"crs-matrix01\"")
                    .doesNotContain("rawStatus", "FINISHED", "taskStatus")
                    .containsPattern("\"createTime\":" + INSTANT);
        });
        String last = events.get(events.size() - 1);
        assertThat(last).contains("\"status\":\"finished\"", "\"terminal\":true", "\"progress\":100",
                "\"instProxyCount\":3", "\"failedProxyList\":[]")
                .containsPattern("\"endTime\":" + INSTANT);
        assertThat(events.subList(0, events.size() - 1)).allSatisfy(json -> assertThat(json)
                .contains("\"terminal\":false").containsPattern("\"status\":\"(created|chosen|running)\""));
        assertThat(emulator.stats().tasks()).anySatisfy(t -> {
            assertThat(t.instanceId()).isEqualTo("crs-matrix01");
            assertThat(t.asyncRequestId()).isEqualTo(task);
        });
    }

    @Test
    void theClientsMetersAreInTheActuatorsMetrics() {
        List<String> events = web.post().uri("/instances/crs-matrix02/kill-and-follow")
                .accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk()
                .returnResult(String.class).getResponseBody().collectList().block(WAIT);
        assertThat(events).last().asString().contains("\"status\":\"finished\"");

        assertThat(get("/actuator/metrics")).contains("dbbrain.client.requests", "dbbrain.limiter.wait",
                "dbbrain.watch.active", "dbbrain.watch.updates");
        assertThat(get("/actuator/metrics/dbbrain.client.requests"
                + "?tag=action:CreateProxySessionKillTask&tag=outcome:SUCCESS")).contains("\"COUNT\"");
        assertThat(get("/actuator/metrics/dbbrain.watch.updates?tag=status:finished")).contains("\"COUNT\"");
    }

    private String get(String uri) {
        return web.get().uri(uri).exchange().expectStatus().isOk().expectBody(String.class).returnResult()
                .getResponseBody();
    }

    private static List<String> fields(String json) {
        List<String> names = new ArrayList<>();
        Matcher m = FIELD.matcher(json);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
