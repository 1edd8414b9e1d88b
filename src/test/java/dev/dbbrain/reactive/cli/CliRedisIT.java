package dev.dbbrain.reactive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.testing.RedisProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code --redis}: two CLI processes killing sessions at once share the account's 20 per second through Redis. */
class CliRedisIT {

    private static final String SECRET_ID = "AKIDcliRedis01";
    private static final String SECRET_KEY = "cli-redis-secret-key";
    private static final Map<String, String> ENV = Map.of("TENCENTCLOUD_SECRET_ID", SECRET_ID,
            "TENCENTCLOUD_SECRET_KEY", SECRET_KEY);

    @TempDir
    Path home;

    @Test
    void twoProcessesWithOneRedisStayWithinTwentyPerSecond() throws Exception {
        Process emulator = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", CliJar.JAR.toString(), "emulator", "--port", "0", "--rate-limit", "20",
                "--secret-id", SECRET_ID, "--secret-key", SECRET_KEY, "--step-ms", "100")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (RedisProcess redis = RedisProcess.start()) {
            String first = new BufferedReader(new InputStreamReader(emulator.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertThat(first).as("emulator's first line").isNotNull().contains("listening on http://");
            String endpoint = first.substring(first.indexOf("http://")).trim();
            List<CompletableFuture<CliJar.Result>> runs = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                List<String> args = new ArrayList<>(List.of("kill", "--endpoint", endpoint, "--redis", redis.uri(),
                        "--interval-ms", "200", "--output", "json"));
                for (int i = 1; i <= 12; i++) {
                    args.addAll(List.of("--instance", String.format(Locale.ROOT, "crs-rds%d%04d", p, i)));
                }
                runs.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return CliJar.run(home, ENV, args.toArray(String[]::new));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (CompletableFuture<CliJar.Result> run : runs) {
                CliJar.Result r = run.get(120, TimeUnit.SECONDS);
                assertThat(r.code()).as("%s %s", r.err(), r.out()).isZero();
            }
            JsonNode stats = JsonMapper.builder().build().readTree(HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(endpoint + "/_emulator/stats")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            System.out.println("CLI --redis, two processes: " + stats.get("requests") + ", peak "
                    + stats.get("maxRequestsInOneSecond") + ", errors " + stats.get("errors"));
            assertThat(stats.get("tasksCreated").intValue()).isEqualTo(24);
            assertThat(stats.get("errors").has("RequestLimitExceeded")).as("%s", stats.get("errors")).isFalse();
            assertThat(stats.get("maxRequestsInOneSecond").properties())
                    .allSatisfy(e -> assertThat(e.getValue().intValue()).as(e.getKey()).isLessThanOrEqualTo(20));
            assertThat(redis.commandCalls().getOrDefault("evalsha", 0L)).as("permits taken from Redis")
                    .isGreaterThanOrEqualTo(stats.get("requests").path("CreateProxySessionKillTask").longValue());
        } finally {
            emulator.destroy();
            emulator.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSecondProcessWatchingATaskTheFirstFollowedToItsEndGetsItsFinalStateWithoutARequest() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
                DbbrainEmulator emulator = DbbrainEmulator.builder().credentials(SECRET_ID, SECRET_KEY)
                        .stepDuration(Duration.ofMillis(200)).start();
                DbbrainClient client = DbbrainClient.builder().endpoint(emulator.endpoint())
                        .credentials(Credentials.of(SECRET_ID, SECRET_KEY)).build()) {
            long id = client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-rdsw0001"))
                    .block(Duration.ofSeconds(30)).asyncRequestId();
            String[] watch = {"watch", "--endpoint", emulator.endpoint(), "--instance", "crs-rdsw0001", "--task",
                    Long.toString(id), "--interval-ms", "200", "--redis", redis.uri()};
            CliJar.Result first = CliJar.run(home, ENV, watch);
            assertThat(first.code()).as("%s %s", first.err(), first.out()).isZero();
            assertThat(String.join("\n", first.out())).contains("1 finished").doesNotContain(" 0 request(s)");

            CliJar.Result second = CliJar.run(home, ENV, watch);
            assertThat(second.code()).as("%s %s", second.err(), second.out()).isZero();
            assertThat(String.join("\n", second.out())).contains("1 finished").contains(" 0 request(s)");

            String[] unshared = java.util.Arrays.copyOf(watch, watch.length + 1);
            unshared[watch.length] = "--no-shared-watches";
            CliJar.Result third = CliJar.run(home, ENV, unshared);
            assertThat(third.code()).as("%s %s", third.err(), third.out()).isZero();
            assertThat(String.join("\n", third.out())).contains("1 finished").doesNotContain(" 0 request(s)");
        }
    }

    @Test
    void noSharedWatchesWithoutRedisIsAUsageError() throws Exception {
        CliJar.Result r = CliJar.run(home, ENV, "describe", "--instance", "crs-rds00001", "--task", "1",
                "--no-shared-watches");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--no-shared-watches needs --redis");
    }

    @Test
    void aRedisUriThatIsNotOneIsAUsageError() throws Exception {
        CliJar.Result r = CliJar.run(home, ENV, "describe", "--instance", "crs-rds00001", "--task", "1", "--redis",
                "http://127.0.0.1:1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--redis");
    }
}
