package dev.dbbrain.reactive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.Credentials;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The self-contained CLI jar, run as a user runs it, in a separate JVM with a controlled environment. */
class CliJarIT {

    private static final Path JAR = Path.of("target", "dbbrain-cli.jar");

    @TempDir
    Path home;

    private record Result(int code, List<String> out, String err) {
    }

    private Result runJar(String... args) throws IOException, InterruptedException {
        return runJar(Map.of(), args);
    }

    private Result runJar(Map<String, String> extraEnv, String... args) throws IOException, InterruptedException {
        assertThat(JAR).as("built by the package phase").exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Duser.home=" + home, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("TENCENTCLOUD_"));
        env.putAll(extraEnv);
        Path err = Files.createTempFile(home, "stderr", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("CLI did not finish within 60 s");
        }
        return new Result(p.exitValue(), lines, Files.readString(err));
    }

    @Test
    void killAgainstTheEmbeddedEmulatorPrintsJsonLinesEndingInAFinishedTask() throws Exception {
        Result r = runJar("kill", "--emulator", "--instance", "crs-demo0001", "--output", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonMapper mapper = JsonMapper.builder().build();
        List<JsonNode> json = r.out().stream().map(mapper::readTree).toList();
        List<JsonNode> tasks = json.stream().filter(n -> n.has("type")).toList();
        assertThat(tasks).isNotEmpty();
        JsonNode last = tasks.get(tasks.size() - 1);
        assertThat(last.get("status").stringValue()).isEqualTo("finished");
        assertThat(last.get("instanceId").stringValue()).isEqualTo("crs-demo0001");
        assertThat(last.get("finishedProxyList").size()).isEqualTo(3);
        assertThat(json.get(json.size() - 1).get("summary").get("finished").intValue()).isEqualTo(1);
    }

    @Test
    void describeAgainstAnEndpointWithCredentialsFromTheEnvironment() throws Exception {
        java.time.Instant t0 = java.time.Instant.now();
        dev.dbbrain.reactive.testing.MutableClock clock = new dev.dbbrain.reactive.testing.MutableClock(t0);
        try (DbbrainEmulator emulator = DbbrainEmulator.builder().credentials("AKIDenvcli", "env-cli-key")
                .clock(clock).start();
                DbbrainClient client = DbbrainClient.builder().endpoint(emulator.endpoint()).clock(clock)
                        .credentials(Credentials.of("AKIDenvcli", "env-cli-key")).build()) {
            long id = client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-envcli01"))
                    .block(java.time.Duration.ofSeconds(10)).asyncRequestId();
            // Long after the task finished, yet well within the 300 s skew allowed against the CLI's real clock.
            clock.advance(java.time.Duration.ofSeconds(60));
            Result r = runJar(Map.of("TENCENTCLOUD_SECRET_ID", "AKIDenvcli", "TENCENTCLOUD_SECRET_KEY", "env-cli-key"),
                    "describe", "--endpoint", emulator.endpoint(), "--instance", "crs-envcli01",
                    "--task", Long.toString(id), "--output", "json");
            assertThat(r.code()).as(r.err()).isZero();
            JsonNode task = JsonMapper.builder().build().readTree(r.out().get(0));
            assertThat(task.get("asyncRequestId").longValue()).isEqualTo(id);
            assertThat(task.get("status").stringValue()).isEqualTo("finished");
            assertThat(r.out().get(r.out().size() - 1)).contains("\"summary\"");
        }
    }

    @Test
    void withoutCredentialsItSaysWhereItLookedAndNeverFallsBackToTheEmulator() throws Exception {
        Result r = runJar("kill", "--instance", "crs-demo0001");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        List<String> errLines = r.err().lines().toList();
        assertThat(errLines).hasSize(1);
        assertThat(errLines.get(0)).contains("TENCENTCLOUD_SECRET_ID").contains(".tencentcloud/credentials")
                .contains("--emulator").doesNotContain("emulator at");
    }

    @Test
    void emulatorCommandPrintsItsUrlFirstAndServes() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-jar", JAR.toString(), "emulator", "--port", "0").start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String first = r.readLine();
            assertThat(first).matches(".*http://127\\.0\\.0\\.1:\\d+.*");
            String url = first.replaceAll(".*(http://127\\.0\\.0\\.1:\\d+).*", "$1");
            assertThat(r.readLine()).contains("TENCENTCLOUD_SECRET_ID=").contains("TENCENTCLOUD_SECRET_KEY=");
            HttpResponse<String> stats = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url + "/_emulator/stats")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(stats.statusCode()).isEqualTo(200);
            assertThat(stats.body()).contains("\"tasksCreated\"");
        } finally {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
