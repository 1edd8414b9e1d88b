package dev.dbbrain.reactive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DbbrainWatchException;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every {@code --output json} line is byte for byte what it was when Output built it as a jackson-databind tree:
 * field order, nulls, numbers, and the escaping of what a server may put in codes and messages. The reference lines
 * are built here the old way.
 */
class OutputJsonTest {

    /** Quotes, backslashes, slashes, control characters, non-ASCII, a line separator, an HTML closing tag. */
    private static final String HOSTILE = "a \"quoted\" \\ back/slash\u0000\u001b[2J\t\r\n é 中文 \u2028 </script> \ufffd";
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final TaskInfo RUNNING = new TaskInfo(14672492L, "crs-o5chheqz", "running", 33,
            List.of("p1", HOSTILE), 2, List.of("p1"), List.of(), Optional.of(Instant.parse("2022-02-11T02:22:46Z")),
            Optional.of(Instant.parse("2022-02-11T02:22:47.5Z")), Optional.empty());

    private static String line(Consumer<Output> print) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Output output = new Output(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), true, false, false);
        print.accept(output);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String reference(ObjectNode node) {
        return MAPPER.writeValueAsString(node) + System.lineSeparator();
    }

    @Test
    void taskLinesAreWrittenExactlyAsBefore() {
        for (TaskInfo t : List.of(RUNNING, new TaskInfo(1, HOSTILE, HOSTILE, Long.MIN_VALUE,
                List.of(), Long.MAX_VALUE, List.of(), List.of(HOSTILE), Optional.empty(), Optional.empty(),
                Optional.of(Instant.EPOCH)))) {
            ObjectNode node = MAPPER.createObjectNode();
            node.put("type", "task");
            node.put("instanceId", t.instanceId());
            node.put("asyncRequestId", t.asyncRequestId());
            node.put("status", t.status());
            node.put("terminal", t.isTerminal());
            node.put("progress", t.progress());
            node.put("instProxyCount", t.instProxyCount());
            t.instProxyList().forEach(node.putArray("instProxyList")::add);
            t.finishedProxyList().forEach(node.putArray("finishedProxyList")::add);
            t.failedProxyList().forEach(node.putArray("failedProxyList")::add);
            putTime(node, "createTime", t.createTime());
            putTime(node, "startTime", t.startTime());
            putTime(node, "endTime", t.endTime());
            assertThat(line(o -> o.task(t))).isEqualTo(reference(node));
        }
        assertThat(line(o -> o.task(RUNNING))).startsWith("{\"type\":\"task\",\"instanceId\":\"crs-o5chheqz\","
                + "\"asyncRequestId\":14672492,\"status\":\"running\",\"terminal\":false,\"progress\":33,");
    }

    private static void putTime(ObjectNode node, String field, Optional<Instant> time) {
        if (time.isPresent()) {
            node.put(field, time.get().toString());
        } else {
            node.putNull(field);
        }
    }

    @Test
    void errorLinesAreWrittenExactlyAsBefore() {
        DbbrainApiException api = new DbbrainApiException("CreateProxySessionKillTask", "ResourceNotFound." + HOSTILE,
                HOSTILE, "req-" + HOSTILE);
        assertThat(line(o -> o.error("crs-o5chheqz", api))).isEqualTo(reference(error(Output.code(api),
                HOSTILE, "req-" + HOSTILE, "CreateProxySessionKillTask", "crs-o5chheqz")));

        IllegalStateException bare = new IllegalStateException();
        assertThat(line(o -> o.error(null, bare))).isEqualTo(reference(error("IllegalStateException", null, null,
                null, null)));
        assertThat(line(o -> o.error(null, bare))).isEqualTo("{\"error\":{\"code\":\"IllegalStateException\","
                + "\"message\":null,\"requestId\":null,\"action\":null}}" + System.lineSeparator());

        for (TaskInfo lastSeen : new TaskInfo[] {RUNNING, null}) {
            DbbrainWatchException watch = new DbbrainWatchException(DbbrainWatchException.Reason.DEADLINE,
                    "crs-o5chheqz", 14672492L, lastSeen, HOSTILE, null);
            ObjectNode node = error(Output.code(watch), watch.getMessage(), watch.requestId(), watch.action(),
                    "crs-o5chheqz");
            ObjectNode e = (ObjectNode) node.get("error");
            e.put("reason", watch.reason().name());
            e.put("asyncRequestId", watch.asyncRequestId());
            e.put("lastStatus", watch.lastSeen().map(TaskInfo::status).orElse(null));
            assertThat(line(o -> o.error("crs-o5chheqz", watch))).isEqualTo(reference(node));
        }
    }

    @Test
    void notReportedLinesAreWrittenExactlyAsBefore() {
        assertThat(line(o -> o.notReported("crs-o5chheqz", 7, "req-9"))).isEqualTo(reference(error(
                "TaskNotReported", "the service reported no task 7 on instance crs-o5chheqz", "req-9",
                "DescribeProxySessionKillTasks", "crs-o5chheqz")));
    }

    private static ObjectNode error(String code, String message, String requestId, String action, String context) {
        ObjectNode node = MAPPER.createObjectNode();
        ObjectNode error = node.putObject("error");
        error.put("code", code);
        error.put("message", message);
        error.put("requestId", requestId);
        error.put("action", action);
        if (context != null) {
            error.put("context", context);
        }
        return node;
    }

    @Test
    void summaryLinesAreWrittenExactlyAsBefore() {
        Summary summary = new Summary(50, 48, 1, 1, 123_456_789_012L, 3, 4, Duration.ofMillis(1234),
                Duration.ofSeconds(56));
        ObjectNode node = MAPPER.createObjectNode();
        ObjectNode s = node.putObject("summary");
        s.put("tasks", summary.tasks());
        s.put("finished", summary.finished());
        s.put("failed", summary.failed());
        s.put("errors", summary.errors());
        s.put("requests", summary.requests());
        s.put("throttled", summary.throttled());
        s.put("retries", summary.retries());
        s.put("limiterWaitMs", summary.limiterWait().toMillis());
        s.put("elapsedMs", summary.elapsed().toMillis());
        assertThat(line(o -> o.summary(summary))).isEqualTo(reference(node))
                .isEqualTo("{\"summary\":{\"tasks\":50,\"finished\":48,\"failed\":1,\"errors\":1,"
                        + "\"requests\":123456789012,\"throttled\":3,\"retries\":4,\"limiterWaitMs\":1234,"
                        + "\"elapsedMs\":56000}}" + System.lineSeparator());
    }
}
