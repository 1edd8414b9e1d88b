package dev.dbbrain.reactive.emulator;

import static dev.dbbrain.reactive.emulator.SignedCalls.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class EmulatorLifecycleIT extends EmulatorTestSupport {

    private static final Duration STEP = Duration.ofMillis(500);

    @Test
    void createdTaskGoesThroughCreatedChosenRunningToFinishedAsTheClockAdvances() {
        start();
        Answer created = calls.create(INSTANCE).exchange();
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.headers().get("Content-Type")).isEqualTo("application/json");
        assertThat(created.errorCode()).isNull();
        assertThat(created.response().get("RequestId").stringValue()).matches("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");
        long id = created.response().get("AsyncRequestId").longValue();

        JsonNode task = calls.describeTask(id);
        assertThat(task.get("AsyncRequestId").longValue()).isEqualTo(id);
        assertThat(task.get("InstanceId").stringValue()).isEqualTo(INSTANCE);
        assertThat(task.get("TaskStatus").stringValue()).isEqualTo("created");
        assertThat(task.get("InternalTaskStatus").isString()).isTrue();
        assertThat(task.get("Progress").intValue()).isZero();
        assertThat(strings(task.get("InstProxyList")))
                .containsExactly(INSTANCE + "-proxy-1", INSTANCE + "-proxy-2", INSTANCE + "-proxy-3");
        assertThat(task.get("InstProxyCount").intValue()).isEqualTo(3);
        assertThat(task.get("FinishedProxyList").isEmpty()).isTrue();
        assertThat(task.get("FailedProxyList").isEmpty()).isTrue();
        assertThat(task.get("CreateTime").stringValue()).isEqualTo("2025-03-01T10:00:00+08:00");
        assertThat(task.get("StartTime").stringValue()).isEmpty();
        assertThat(task.get("EndTime").stringValue()).isEmpty();

        clock.advance(STEP);
        assertThat(calls.describeTask(id).get("TaskStatus").stringValue()).isEqualTo("chosen");

        clock.advance(STEP);
        task = calls.describeTask(id);
        assertThat(task.get("TaskStatus").stringValue()).isEqualTo("running");
        assertThat(task.get("Progress").intValue()).isZero();
        assertThat(task.get("StartTime").stringValue()).isEqualTo("2025-03-01T10:00:01+08:00");
        assertThat(task.get("EndTime").stringValue()).isEmpty();

        clock.advance(STEP);
        task = calls.describeTask(id);
        assertThat(task.get("Progress").intValue()).isEqualTo(33);
        assertThat(strings(task.get("FinishedProxyList"))).containsExactly(INSTANCE + "-proxy-1");

        clock.advance(STEP);
        assertThat(calls.describeTask(id).get("Progress").intValue()).isEqualTo(66);

        clock.advance(STEP.minusMillis(1));
        assertThat(calls.describeTask(id).get("TaskStatus").stringValue()).isEqualTo("running");

        clock.advance(Duration.ofMillis(1));
        task = calls.describeTask(id);
        assertThat(task.get("TaskStatus").stringValue()).isEqualTo("finished");
        assertThat(task.get("Progress").intValue()).isEqualTo(100);
        assertThat(strings(task.get("FinishedProxyList"))).hasSize(3);
        assertThat(task.get("FailedProxyList").isEmpty()).isTrue();
        assertThat(task.get("EndTime").stringValue()).isEqualTo("2025-03-01T10:00:02+08:00");
        assertThat(emulator.stats().tasks()).containsExactly(new EmulatorStats.Task(INSTANCE, id, "finished"));
    }

    @Test
    void everyProxyFailsAndTheTaskEndsFailedWithFailureProbabilityOne() {
        start(builder -> builder.proxyFailureProbability(1));
        long id = calls.createTask();
        clock.advance(STEP.multipliedBy(4));
        JsonNode running = calls.describeTask(id);
        assertThat(running.get("TaskStatus").stringValue()).isEqualTo("running");
        assertThat(strings(running.get("FailedProxyList"))).containsExactly(INSTANCE + "-proxy-1", INSTANCE + "-proxy-2");

        clock.advance(STEP);
        JsonNode failed = calls.describeTask(id);
        assertThat(failed.get("TaskStatus").stringValue()).isEqualTo("failed");
        assertThat(failed.get("Progress").intValue()).isEqualTo(100);
        assertThat(strings(failed.get("FailedProxyList"))).hasSize(3);
        assertThat(failed.get("FinishedProxyList").isEmpty()).isTrue();
        assertThat(failed.get("EndTime").stringValue()).isNotEmpty();
    }

    @Test
    void taskOnOneInstanceProxyWorksOnThatProxyOnly() {
        start(builder -> builder.proxies(4));
        String proxy = INSTANCE + "-proxy-2";
        long id = calls.call(Action.CREATE.apiName(), "{\"InstanceId\":\"" + INSTANCE
                + "\",\"Product\":\"redis\",\"InstanceProxyId\":\"" + proxy + "\"}").exchange()
                .response().get("AsyncRequestId").longValue();
        clock.advance(STEP.multipliedBy(3));
        JsonNode task = calls.describeTask(id);
        assertThat(task.get("TaskStatus").stringValue()).isEqualTo("finished");
        assertThat(task.get("Progress").intValue()).isEqualTo(100);
        assertThat(strings(task.get("FinishedProxyList"))).containsExactly(proxy);
        assertThat(task.get("InstProxyCount").intValue()).isEqualTo(4);
        assertThat(strings(task.get("InstProxyList"))).hasSize(4);
    }

    @Test
    void proxyIdOfAnotherInstanceIsInvalidParameterValue() {
        start();
        Answer answer = calls.call(Action.CREATE.apiName(), "{\"InstanceId\":\"" + INSTANCE
                + "\",\"Product\":\"redis\",\"InstanceProxyId\":\"crs-zzzz9999-proxy-1\"}").exchange();
        assertThat(answer.errorCode()).isEqualTo("InvalidParameterValue");
        assertThat(answer.errorMessage()).contains("InstanceProxyId");
    }

    @Test
    void describeAnswersTheAskedTasksOfThatInstanceOnlyInTheOrderAskedEachOnce() {
        start();
        long first = calls.createTask();
        long second = calls.createTask();
        long elsewhere = calls.create("crs-other001").exchange().response().get("AsyncRequestId").longValue();
        assertThat(List.of(first, second, elsewhere)).doesNotHaveDuplicates();

        Answer answer = calls.describe(INSTANCE, second, 999, elsewhere, first, second).exchange();
        List<Long> ids = new ArrayList<>();
        answer.response().get("Tasks").forEach(task -> ids.add(task.get("AsyncRequestId").longValue()));
        assertThat(ids).containsExactly(second, first);
        assertThat(answer.response().get("TotalCount").intValue()).isEqualTo(2);

        Answer none = calls.describe(INSTANCE, 1, 2, 3).exchange();
        assertThat(none.response().get("Tasks").isEmpty()).isTrue();
        assertThat(none.response().get("TotalCount").intValue()).isZero();
    }

    @Test
    void legacyTimeFormatWritesSpaceSeparatedTimesInUtcPlusEight() {
        start(builder -> builder.legacyTimeFormat(true).stepDuration(Duration.ZERO));
        JsonNode task = calls.describeTask(calls.createTask());
        assertThat(task.get("TaskStatus").stringValue()).isEqualTo("finished");
        assertThat(task.get("CreateTime").stringValue()).isEqualTo("2025-03-01 10:00:00");
        assertThat(task.get("StartTime").stringValue()).isEqualTo("2025-03-01 10:00:00");
        assertThat(task.get("EndTime").stringValue()).isEqualTo("2025-03-01 10:00:00");
    }

    @Test
    void moreAsyncRequestIdsThanTheConfiguredMaximumIsInvalidParameterValue() {
        start(builder -> builder.maxAsyncRequestIds(2));
        assertThat(calls.describe(INSTANCE, 1, 2).exchange().errorCode()).isNull();
        Answer answer = calls.describe(INSTANCE, 1, 2, 3).exchange();
        assertThat(answer.errorCode()).isEqualTo("InvalidParameterValue");
        assertThat(answer.errorMessage()).contains("AsyncRequestIds");
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.stringValue()));
        return values;
    }
}
