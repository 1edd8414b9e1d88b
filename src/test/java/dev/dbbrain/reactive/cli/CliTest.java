package dev.dbbrain.reactive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The CLI in-process, against its embedded emulator: exit codes, output formats, usage errors. */
class CliTest {

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) {
        return new Cli(new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8)).run(args);
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private List<JsonNode> jsonLines() {
        JsonMapper mapper = JsonMapper.builder().build();
        return Arrays.stream(out().split("\n")).filter(l -> !l.isBlank()).map(mapper::readTree).toList();
    }

    @Test
    void killAgainstTheEmulatorPrintsEveryChangeAndExitsZeroWhenAllFinish() {
        int code = run("kill", "--emulator", "--instance", "crs-demo0001", "--instance", "crs-demo0002",
                "--step-ms", "40", "--interval-ms", "50", "--output", "json");
        assertThat(code).as(err()).isZero();
        List<JsonNode> lines = jsonLines();
        List<JsonNode> updates = lines.stream().filter(l -> l.has("type")).toList();
        for (String instance : List.of("crs-demo0001", "crs-demo0002")) {
            List<JsonNode> mine = updates.stream().filter(u -> u.get("instanceId").stringValue().equals(instance)).toList();
            assertThat(mine).isNotEmpty();
            assertThat(mine.get(mine.size() - 1).get("status").stringValue()).isEqualTo("finished");
            assertThat(mine.get(mine.size() - 1).get("progress").longValue()).isEqualTo(100);
            assertThat(mine.stream().map(u -> u.get("progress").longValue()).toList()).isSorted();
        }
        JsonNode summary = lines.get(lines.size() - 1).get("summary");
        assertThat(summary.get("finished").intValue()).isEqualTo(2);
        assertThat(summary.get("errors").intValue()).isZero();
    }

    @Test
    void killExitsOneWhenATaskFails() {
        int code = run("kill", "--emulator", "--instance", "crs-demo0001", "--proxy-failure", "1",
                "--step-ms", "20", "--interval-ms", "50");
        assertThat(code).as(err()).isEqualTo(1);
        assertThat(out()).contains("failed").contains("1 task(s): 0 finished, 1 failed, 0 error(s)");
    }

    @Test
    void killOfAnUnknownInstanceIsOneReadableErrorLineAndExitThree() {
        int code = run("kill", "--emulator", "--instance", "redis-nope");
        assertThat(code).isEqualTo(3);
        assertThat(err()).contains("error: redis-nope: ResourceNotFound").contains("RequestId")
                .doesNotContain("\tat ");
    }

    @Test
    void jsonErrorsCarryCodeMessageRequestIdAndAction() {
        int code = run("kill", "--emulator", "--instance", "redis-nope", "--output", "json");
        assertThat(code).isEqualTo(3);
        JsonNode error = jsonLines().get(0).get("error");
        assertThat(error.get("code").stringValue()).isEqualTo("ResourceNotFound");
        assertThat(error.get("action").stringValue()).isEqualTo("CreateProxySessionKillTask");
        assertThat(error.get("requestId").stringValue()).isNotBlank();
        assertThat(error.get("message").stringValue()).isNotBlank();
    }

    @Test
    void describeOfAnUnknownTaskExitsThreeAndEndsWithASummary() {
        assertThat(run("describe", "--emulator", "--instance", "crs-demo0001", "--task", "5")).isEqualTo(3);
        assertThat(err()).contains("TaskNotFound");
        assertThat(out()).contains("1 task(s): 0 finished, 0 failed, 1 error(s)");
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        assertThat(run()).isEqualTo(2);
        assertThat(run("kill", "--emulator")).isEqualTo(2);
        assertThat(run("kill", "--instance", "crs-1", "--bogus", "x")).isEqualTo(2);
        assertThat(run("describe", "--emulator", "--instance", "crs-demo0001", "--task", "abc")).isEqualTo(2);
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(run("kill", "--emulator", "--instance", "crs-1", "--output", "yaml")).isEqualTo(2);
        assertThat(run("kill", "--instance", "crs-1", "--proxies", "3")).isEqualTo(2);
        assertThat(err().lines()).allMatch(l -> l.startsWith("dbbrain: ") && l.endsWith("(try --help)"));
    }

    @Test
    void everyCommandHasHelp() {
        assertThat(run("--help")).isZero();
        assertThat(run("kill", "--help")).isZero();
        assertThat(run("describe", "--help")).isZero();
        assertThat(run("emulator", "--help")).isZero();
        assertThat(out()).contains("Usage: dbbrain [global options]").contains("Usage: dbbrain kill")
                .contains("Usage: dbbrain describe").contains("Usage: dbbrain emulator").contains("Exit codes");
    }
}
