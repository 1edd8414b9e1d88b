package dev.dbbrain.reactive.emulator;

import static dev.dbbrain.reactive.emulator.SignedCalls.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class EmulatorStatsIT extends EmulatorTestSupport {

    @Test
    void statsEndpointAndStatsMethodAgree() {
        start(builder -> builder.proxyFailureProbability(1));
        long failed = calls.createTask();
        clock.advance(Duration.ofSeconds(5));
        long running = calls.create("crs-other001").exchange().response().get("AsyncRequestId").longValue();
        calls.describe(INSTANCE, failed).exchange();
        calls.describe(INSTANCE, failed).without("X-TC-Action").exchange();
        calls.describe(INSTANCE, failed).secret("AKIDunknown", "k").exchange();
        calls.call(Action.CREATE.apiName(), "{}").exchange();

        Answer answer = calls.plain("GET", "/_emulator/stats");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers().get("Content-Type")).isEqualTo("application/json");
        JsonNode json = answer.json();
        EmulatorStats stats = emulator.stats();

        assertThat(longs(json.get("requests"))).isEqualTo(stats.requests())
                .containsExactlyInAnyOrderEntriesOf(Map.of("CreateProxySessionKillTask", 3L,
                        "DescribeProxySessionKillTasks", 2L, "(none)", 1L));
        assertThat(longs(json.get("errors"))).isEqualTo(stats.errors())
                .containsExactlyInAnyOrderEntriesOf(Map.of("MissingParameter", 2L, "AuthFailure.SecretIdNotFound", 1L));
        Map<String, Integer> max = new LinkedHashMap<>();
        json.get("maxRequestsInOneSecond").properties().forEach(e -> max.put(e.getKey(), e.getValue().intValue()));
        assertThat(max).isEqualTo(stats.maxRequestsInOneSecond());
        assertThat(json.get("tasksCreated").longValue()).isEqualTo(stats.tasksCreated()).isEqualTo(2);
        List<EmulatorStats.Task> tasks = new ArrayList<>();
        json.get("tasks").forEach(t -> tasks.add(new EmulatorStats.Task(t.get("instanceId").stringValue(),
                t.get("asyncRequestId").longValue(), t.get("status").stringValue())));
        assertThat(tasks).isEqualTo(stats.tasks()).containsExactly(
                new EmulatorStats.Task(INSTANCE, failed, "failed"),
                new EmulatorStats.Task("crs-other001", running, "created"));
    }

    @Test
    void statsAreImmutableSnapshots() {
        start();
        calls.createTask();
        EmulatorStats before = emulator.stats();
        calls.createTask();
        assertThat(before.tasksCreated()).isEqualTo(1);
        assertThat(emulator.stats().tasksCreated()).isEqualTo(2);
        assertThat(before.requests()).isUnmodifiable();
        assertThat(before.tasks()).isUnmodifiable();
    }

    @Test
    void maxRequestsInOneSecondCountsEveryRequestInTheBusiestSlidingSecond() {
        start(builder -> builder.rateLimit(3));
        for (int i = 0; i < 5; i++) {
            calls.describe(INSTANCE, 1).exchange(); // 3 admitted, 2 refused: all 5 received
        }
        clock.advance(Duration.ofMillis(600));
        for (int i = 0; i < 2; i++) {
            calls.describe(INSTANCE, 1).exchange();
        }
        clock.advance(Duration.ofMillis(600)); // the first 5 have left the window
        calls.describe(INSTANCE, 1).exchange();
        assertThat(emulator.stats().maxRequestsInOneSecond()).containsEntry(Action.DESCRIBE.apiName(), 7);
        assertThat(emulator.stats().requests()).containsEntry(Action.DESCRIBE.apiName(), 8L);
    }

    @Test
    void statsNeedNoAuthenticationAndOtherMethodsOnTheStatsPathAreApiErrors() {
        start();
        assertThat(calls.plain("GET", "/_emulator/stats").json().get("tasksCreated").longValue()).isZero();
        assertThat(calls.plain("POST", "/_emulator/stats").errorCode()).isEqualTo("InvalidParameter");
    }

    private static Map<String, Long> longs(JsonNode object) {
        Map<String, Long> map = new LinkedHashMap<>();
        object.properties().forEach(e -> map.put(e.getKey(), e.getValue().longValue()));
        return map;
    }
}
