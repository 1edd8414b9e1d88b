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
        assertThat(JAR).as("built by the package phase").exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Duser.home=" + home, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("TENCENTCLOUD_"));
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
