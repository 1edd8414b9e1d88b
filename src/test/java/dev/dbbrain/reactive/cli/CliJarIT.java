package dev.dbbrain.reactive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorAnswer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The self-contained CLI jar, run as a user runs it, in a separate JVM with a controlled environment. */
class CliJarIT {

    @TempDir
    Path home;

    private CliJar.Result runJar(String... args) throws IOException, InterruptedException {
        return CliJar.run(home, Map.of(), args);
    }

    private CliJar.Result runJar(Map<String, String> extraEnv, String... args) throws IOException,
            InterruptedException {
        return CliJar.run(home, extraEnv, args);
    }

    @Test
    void killAgainstTheEmbeddedEmulatorPrintsJsonLinesEndingInAFinishedTask() throws Exception {
        CliJar.Result r = runJar("kill", "--emulator", "--instance", "crs-demo0001", "--output", "json");
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
            CliJar.Result r = runJar(Map.of("TENCENTCLOUD_SECRET_ID", "AKIDenvcli", "TENCENTCLOUD_SECRET_KEY", "env-cli-key"),
                    "describe", "--endpoint", emulator.endpoint(), "--instance", "crs-envcli01",
                    "--task", Long.toString(id), "--output", "json");
            assertThat(r.code()).as(r.err()).isZero();
            JsonNode task = JsonMapper.builder().build().readTree(r.out().get(0));
            assertThat(task.get("asyncRequestId").longValue()).isEqualTo(id);
            assertThat(task.get("status").stringValue()).isEqualTo("finished");
            assertThat(r.out().get(r.out().size() - 1)).contains("\"summary\"");
        }
    }

    /** An emulator on the real clock, slow enough that a watch started a second later still sees tasks run. */
    private static DbbrainEmulator slowEmulator() {
        return DbbrainEmulator.builder().credentials("AKIDwatchcli", "watch-cli-key")
                .stepDuration(Duration.ofMillis(600)).start();
    }

    private static DbbrainClient clientOf(DbbrainEmulator emulator) {
        return DbbrainClient.builder().endpoint(emulator.endpoint())
                .credentials(Credentials.of("AKIDwatchcli", "watch-cli-key")).build();
    }

    private static final Map<String, String> WATCH_ENV = Map.of("TENCENTCLOUD_SECRET_ID", "AKIDwatchcli",
            "TENCENTCLOUD_SECRET_KEY", "watch-cli-key");

    private static long create(DbbrainClient client, String instance) {
        return client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(instance))
                .block(Duration.ofSeconds(10)).asyncRequestId();
    }

    @Test
    void watchFollowsExistingTasksOfAnInstanceUntilTheyEndAsJsonLines() throws Exception {
        try (DbbrainEmulator emulator = slowEmulator(); DbbrainClient client = clientOf(emulator)) {
            long first = create(client, "crs-watch001");
            long second = create(client, "crs-watch001");
            CliJar.Result r = runJar(WATCH_ENV, "watch", "--endpoint", emulator.endpoint(), "--instance",
                    "crs-watch001", "--task", Long.toString(first), "--task", Long.toString(second),
                    "--interval-ms", "200", "--output", "json");
            assertThat(r.code()).as(r.err()).isZero();
            JsonMapper mapper = JsonMapper.builder().build();
            List<JsonNode> json = r.out().stream().map(mapper::readTree).toList();
            for (long id : List.of(first, second)) {
                List<JsonNode> mine = json.stream().filter(n -> n.has("type"))
                        .filter(n -> n.get("asyncRequestId").longValue() == id).toList();
                assertThat(mine).as("updates of task %d", id).isNotEmpty();
                assertThat(mine.get(mine.size() - 1).get("status").stringValue()).isEqualTo("finished");
            }
            JsonNode summary = json.get(json.size() - 1).get("summary");
            assertThat(summary.get("tasks").intValue()).isEqualTo(2);
            assertThat(summary.get("finished").intValue()).isEqualTo(2);
            assertThat(summary.get("requests").longValue()).isPositive();
        }
    }

    @Test
    void watchPipedIntoAnotherProgramPrintsOnePlainLinePerChangeAndNoEscapes() throws Exception {
        try (DbbrainEmulator emulator = slowEmulator(); DbbrainClient client = clientOf(emulator)) {
            long id = create(client, "crs-watch002");
            CliJar.Result r = runJar(WATCH_ENV, "watch", "--endpoint", emulator.endpoint(), "--instance",
                    "crs-watch002", "--task", Long.toString(id), "--interval-ms", "200");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(String.join("\n", r.out())).doesNotContain("\u001b");
            List<String> updates = r.out().subList(0, r.out().size() - 1);
            assertThat(updates).isNotEmpty().allMatch(l -> l.startsWith("crs-watch002   task " + id + " "));
            assertThat(updates.get(updates.size() - 1)).contains("finished").contains("100%")
                    .contains("proxies finished 3/3, failed 0");
            assertThat(r.out().get(r.out().size() - 1)).startsWith("1 task(s): 1 finished, 0 failed, 0 error(s) in ");
        }
    }

    @Test
    void watchOfATaskTheServiceNeverReportsEndsWithWatchNotFoundAndExitThree() throws Exception {
        try (DbbrainEmulator emulator = slowEmulator()) {
            CliJar.Result r = runJar(WATCH_ENV, "watch", "--endpoint", emulator.endpoint(), "--instance",
                    "crs-watch003", "--task", "999", "--output", "json");
            assertThat(r.code()).as(r.err()).isEqualTo(3);
            JsonNode error = JsonMapper.builder().build().readTree(r.out().get(0)).get("error");
            assertThat(error.get("code").stringValue()).isEqualTo("WatchNotFound");
            assertThat(error.get("reason").stringValue()).isEqualTo("NOT_FOUND");
            assertThat(error.get("asyncRequestId").longValue()).isEqualTo(999);
            assertThat(error.get("lastStatus").isNull()).isTrue();
        }
    }

    @Test
    void withoutCredentialsItSaysWhereItLookedAndNeverFallsBackToTheEmulator() throws Exception {
        CliJar.Result r = runJar("kill", "--instance", "crs-demo0001");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        List<String> errLines = r.err().lines().toList();
        assertThat(errLines).hasSize(1);
        assertThat(errLines.get(0)).contains("TENCENTCLOUD_SECRET_ID").contains(".tencentcloud/credentials")
                .contains("--emulator").doesNotContain("emulator at");
    }

    @Test
    void garbledAnswerEndsInOneErrorLineWithoutStackTraceOrSecret() throws Exception {
        try (DbbrainEmulator server = DbbrainEmulator.builder()
                .temporaryCredentials("AKIDjarhostile", "JarSecretKey-Zx81Qw", "JarToken-Lk29Po").start()) {
            server.dispatcher(request -> EmulatorAnswer.httpStatus(200, "application/json",
                    "\u001b[2J<html>garbage</html>"));
            CliJar.Result r = runJar(Map.of("TENCENTCLOUD_SECRET_ID", "AKIDjarhostile",
                            "TENCENTCLOUD_SECRET_KEY", "JarSecretKey-Zx81Qw", "TENCENTCLOUD_SESSION_TOKEN", "JarToken-Lk29Po"),
                    "kill", "--endpoint", server.endpoint(), "--instance", "crs-jarhost1");
            assertThat(r.code()).as(r.err()).isEqualTo(3);
            assertThat(r.err()).contains("error: crs-jarhost1: DecodingError: CreateProxySessionKillTask: unreadable")
                    .doesNotContain("\tat ", "Exception in thread", "\u001b");
            assertThat(String.join("\n", r.out()) + r.err()).doesNotContain("JarSecretKey-Zx81Qw", "JarToken-Lk29Po");
        }
    }

    @Test
    void emulatorCommandPrintsItsUrlFirstAndServes() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-jar", CliJar.JAR.toString(), "emulator", "--port", "0").start();
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

    @Test
    void emulatorWithTlsWritesItsCertificateAndAKillOverHttpsTrustingItFinishes() throws Exception {
        Path certificate = home.resolve("emulator.pem");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-jar", CliJar.JAR.toString(), "emulator", "--port", "0", "--tls",
                "--tls-cert", certificate.toString(), "--secret-id", "AKIDtlscli", "--secret-key", "tls-cli-key",
                "--step-ms", "50").start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String first = r.readLine();
            assertThat(first).matches("DBbrain emulator listening on https://127\\.0\\.0\\.1:\\d+");
            String url = first.substring(first.indexOf("https://"));
            assertThat(r.readLine()).startsWith("Certificate written to " + certificate);
            Map<String, String> env = Map.of("TENCENTCLOUD_SECRET_ID", "AKIDtlscli",
                    "TENCENTCLOUD_SECRET_KEY", "tls-cli-key");
            CliJar.Result untrusted = runJar(env, "kill", "--endpoint", url, "--instance", "crs-tlscli01");
            assertThat(untrusted.code()).as("the JDK's trust store does not know the emulator").isEqualTo(3);
            CliJar.Result killed = runJar(env, "kill", "--endpoint", url, "--ca-cert", certificate.toString(),
                    "--instance", "crs-tlscli01", "--output", "json");
            assertThat(killed.code()).as(killed.err()).isZero();
            JsonMapper mapper = JsonMapper.builder().build();
            List<JsonNode> tasks = killed.out().stream().map(mapper::readTree).filter(n -> n.has("type")).toList();
            assertThat(tasks.get(tasks.size() - 1).get("status").stringValue()).isEqualTo("finished");
        } finally {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
