package dev.dbbrain.reactive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The CLI in-process, against its embedded emulator: exit codes, output formats, usage errors. */
class CliTest {

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    /** Runs the CLI as if its output were piped: plain lines. */
    private int run(String... args) {
        return new Cli(new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8), false).run(args);
    }

    /** Runs the CLI as if its output were a terminal: the live board. */
    private int runOnTerminal(String... args) {
        return new Cli(new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8), true).run(args);
    }

    /** What a terminal shows after this output: applies cursor-up and clear-line escapes. */
    private static List<String> screen(String output) {
        List<String> screen = new ArrayList<>(List.of(""));
        int row = 0;
        Matcher m = Pattern.compile("\u001b\\[(\\d*)([AK])|\r|\n|[^\u001b\r\n]+").matcher(output);
        while (m.find()) {
            String token = m.group();
            if ("A".equals(m.group(2))) {
                row = Math.max(0, row - Integer.parseInt(m.group(1)));
            } else if ("K".equals(m.group(2))) {
                screen.set(row, "");
            } else if (token.equals("\n")) {
                row++;
                if (screen.size() == row) {
                    screen.add("");
                }
            } else if (!token.equals("\r")) {
                screen.set(row, screen.get(row) + token);
            }
        }
        return screen.subList(0, screen.size() - 1);
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
    void killOnATerminalRedrawsOneProgressBarPerTaskInPlace() {
        int code = runOnTerminal("kill", "--emulator", "--instance", "crs-demo0001", "--instance", "crs-demo0002",
                "--step-ms", "150", "--interval-ms", "50");
        assertThat(code).as(err()).isZero();
        assertThat(out()).contains("\u001b[2A\r\u001b[2Kcrs-demo000");
        List<String> screen = screen(out());
        assertThat(screen).hasSize(4);
        assertThat(screen.get(0)).startsWith("Using the embedded DBbrain emulator at http://127.0.0.1:");
        for (String line : screen.subList(1, 3)) {
            assertThat(line).matches("crs-demo000[12]   task \\d{8}   finished  \\[#{20}\\] 100% +\\d+\\.\\ds"
                    + "  proxies finished 3/3, failed 0");
        }
        assertThat(screen.get(3)).startsWith("2 task(s): 2 finished, 0 failed, 0 error(s) in ");
        // Frames come at most every 100 ms, not one per change: far fewer than the 2-second run would allow at
        // one per poll.
        int frames = out().split("\u001b\\[2A", -1).length;
        assertThat(frames).isBetween(2, 60);
    }

    @Test
    void killPipedPrintsOnePlainLinePerChangeWithoutEscapes() {
        int code = run("kill", "--emulator", "--instance", "crs-demo0001", "--step-ms", "60", "--interval-ms", "50");
        assertThat(code).as(err()).isZero();
        assertThat(out()).doesNotContain("\u001b");
        List<String> lines = out().lines().toList();
        List<String> updates = lines.subList(1, lines.size() - 1);
        assertThat(updates).hasSizeGreaterThanOrEqualTo(2).allMatch(l -> l.matches(
                "crs-demo0001   task \\d{8}   \\w+ +\\d+%  proxies finished \\d/3, failed 0"));
        assertThat(updates).doesNotHaveDuplicates();
        assertThat(updates.get(updates.size() - 1)).contains(" finished  100%  proxies finished 3/3, failed 0");
        assertThat(lines.get(lines.size() - 1)).matches("1 task\\(s\\): 1 finished, 0 failed, 0 error\\(s\\) in "
                + "\\d+\\.\\d s; \\d+ request\\(s\\), 0 throttled, 0 retried, total limiter wait \\d+\\.\\d s");
    }

    @Test
    void jsonWinsOverTheTerminalAndItsSummaryCountsOutcomesRequestsAndLimiterWait() {
        int code = runOnTerminal("kill", "--emulator", "--instance", "crs-demo0001", "--instance", "crs-demo0002",
                "--step-ms", "40", "--interval-ms", "50", "--output", "json");
        assertThat(code).as(err()).isZero();
        assertThat(out()).doesNotContain("\u001b");
        List<JsonNode> lines = jsonLines();
        JsonNode summary = lines.get(lines.size() - 1).get("summary");
        assertThat(summary.get("tasks").intValue()).isEqualTo(2);
        assertThat(summary.get("finished").intValue()).isEqualTo(2);
        assertThat(summary.get("failed").intValue()).isZero();
        assertThat(summary.get("errors").intValue()).isZero();
        // Two creates, then at least one describe per task.
        assertThat(summary.get("requests").longValue()).isGreaterThanOrEqualTo(4);
        assertThat(summary.get("throttled").longValue()).isZero();
        assertThat(summary.get("retries").longValue()).isZero();
        assertThat(summary.get("limiterWaitMs").isIntegralNumber()).isTrue();
        assertThat(summary.get("limiterWaitMs").longValue()).isNotNegative();
        assertThat(summary.get("elapsedMs").longValue()).isPositive();
    }

    @Test
    void aTaskOutlivingItsTimeoutIsAWatchErrorCarryingTheLastStateSeen() {
        int code = run("kill", "--emulator", "--instance", "crs-demo0001", "--step-ms", "10000", "--timeout-s", "1",
                "--output", "json");
        assertThat(code).isEqualTo(3);
        List<JsonNode> lines = jsonLines();
        JsonNode error = lines.stream().filter(l -> l.has("error")).findFirst().orElseThrow().get("error");
        assertThat(error.get("code").stringValue()).isEqualTo("WatchDeadline");
        assertThat(error.get("reason").stringValue()).isEqualTo("DEADLINE");
        assertThat(error.get("context").stringValue()).isEqualTo("crs-demo0001");
        assertThat(error.get("lastStatus").stringValue()).isEqualTo("created");
        assertThat(error.get("asyncRequestId").longValue()).isPositive();
        assertThat(lines.get(lines.size() - 1).get("summary").get("errors").intValue()).isEqualTo(1);
    }

    @Test
    void watchArgumentErrorsAreUsageErrorsNamingTheOption() {
        assertThat(run("watch", "--emulator", "--instance", "crs-demo0001")).isEqualTo(2);
        assertThat(err()).contains("watch needs at least one --task");
        assertThat(run("watch", "--emulator", "--task", "14672492")).isEqualTo(2);
        assertThat(err()).contains("watch needs --instance");
        assertThat(run("watch", "--emulator", "--instance", "crs-demo0001", "--task", "abc")).isEqualTo(2);
        assertThat(err()).contains("--task must be an integer AsyncRequestId, was 'abc'");
        assertThat(run("watch", "--emulator", "--instance", "crs-demo0001", "--task", "0")).isEqualTo(2);
        assertThat(err()).contains("--task must be a positive AsyncRequestId, was 0");
        assertThat(run("watch", "--emulator", "--instance", "crs-demo0001", "--instance", "crs-demo0002",
                "--task", "1")).isEqualTo(2);
        assertThat(err()).contains("option --instance may be given only once");
        assertThat(run("watch", "--emulator", "--instance", "crs-demo0001", "--task", "1", "--proxy-id", "p"))
                .isEqualTo(2);
        assertThat(err()).contains("unknown option --proxy-id for 'watch'");
        assertThat(run("watch", "--emulator", "--instance", "crs-demo0001", "--task", "1", "--interval-ms", "x"))
                .isEqualTo(2);
        assertThat(err()).contains("--interval-ms must be an integer, was 'x'");
        assertThat(err().lines()).hasSize(7).allMatch(l -> l.startsWith("dbbrain: ") && l.endsWith("(try --help)"));
        assertThat(out()).isEmpty();
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
        assertThat(err()).contains("TaskNotReported");
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
    void caCertProblemsAreConfigurationErrorsNamingTheFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path notPem = java.nio.file.Files.writeString(dir.resolve("not.pem"), "hello");
        assertThat(run("describe", "--endpoint", "https://127.0.0.1:1", "--ca-cert", dir.resolve("none.pem").toString(),
                "--instance", "crs-1", "--task", "1")).isEqualTo(2);
        assertThat(run("describe", "--endpoint", "https://127.0.0.1:1", "--ca-cert", notPem.toString(),
                "--instance", "crs-1", "--task", "1")).isEqualTo(2);
        assertThat(err()).contains("--ca-cert: cannot read " + dir.resolve("none.pem"))
                .contains("--ca-cert: " + notPem + " holds no");
        assertThat(run("kill", "--emulator", "--ca-cert", notPem.toString(), "--instance", "crs-1")).isEqualTo(2);
        assertThat(run("emulator", "--tls-cert", dir.resolve("e.pem").toString())).isEqualTo(2);
        assertThat(run("emulator", "--tls", "--tls-host", "not a name")).isEqualTo(2);
        assertThat(err()).contains("exclude each other").contains("go with --tls").contains("tlsHostNames");
    }

    @Test
    void everyCommandHasHelp() {
        assertThat(run("--help")).isZero();
        assertThat(run("kill", "--help")).isZero();
        assertThat(run("describe", "--help")).isZero();
        assertThat(run("watch", "--help")).isZero();
        assertThat(run("emulator", "--help")).isZero();
        assertThat(out()).contains("Usage: dbbrain [global options]").contains("Usage: dbbrain kill")
                .contains("Usage: dbbrain describe").contains("Usage: dbbrain watch")
                .contains("  watch      follow existing tasks").contains("Usage: dbbrain emulator").contains("Exit codes");
    }
}
