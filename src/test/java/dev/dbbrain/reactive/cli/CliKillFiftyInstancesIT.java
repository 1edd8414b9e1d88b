package dev.dbbrain.reactive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.testing.RateClaim;
import dev.dbbrain.reactive.testing.SendStamps;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 3's "done when": the CLI jar kills the sessions of 50 instances against an emulator enforcing the
 * service's 20 requests per second per action, and stays within that limit: every task finished, no sliding second
 * with more than 20 requests of one action sent. Prints the figures (requests, use of the budget, limiter wait, run
 * time) so they can be quoted.
 *
 * <p><b>Where the rate is measured (issue 22, "green under load").</b> This test used to assert the limit on the
 * emulator's own count ({@code maxRequestsInOneSecond <= 20}, no {@code RequestLimitExceeded} answered). The
 * emulator counts a request when its event loop reads it; with CPU hogs beside the suite, requests the CLI sent at
 * most 20 per sliding second arrived bunched and the emulator counted 21 and refused one. The claim is about what
 * the CLI sends, and the CLI takes no {@code HttpClient} on its command line, so the jar's code now runs through
 * {@link StampedCli}: the same jar, in its own JVM, the same {@code Cli} with the same arguments, whose client gets
 * an {@code HttpClient} configured like its owned one plus the {@link SendStamps} handler stamping each request when
 * written (the stamps come back as a file). The same bound is asserted on those stamps: never more than 20 requests
 * of one action in any sliding second. The emulator's view is still asserted, through {@link RateClaim}: it received
 * exactly the stamped requests, every {@code RequestLimitExceeded} it answered was read by the CLI as the answer to a
 * stamped send whose own client-side second was within 20, and its busiest second exceeds 20 only by such refusals;
 * every task still has to finish. What is no longer covered here is the jar's {@code Main} entry point itself (a
 * two-line method that other CLI tests run). Under 4 CPU hogs the stamps once showed 26 and 29 Creates in one
 * sliding second (9 of them within 2 ms) in a freshly started CLI JVM: a real over-send by the client, on which
 * this test failed. The write pacer now makes its last check on the connection's event loop, in the task that
 * writes; under 4 hogs the test has passed 6 of 6 runs since, at 20 per second.
 */
class CliKillFiftyInstancesIT {

    private static final int INSTANCES = 50;
    private static final int LIMIT = 20;
    private static final String SECRET_ID = "AKIDfiftycli";
    private static final String SECRET_KEY = "fifty-cli-key";

    @TempDir
    Path home;

    /**
     * The emulator runs as its own process, as in the "done when" ({@code emulator --port 0 --rate-limit 20}):
     * inside the test JVM it would share the suite's paranoid leak detection and BlockHound instrumentation, and a
     * server slowed by those stamps requests that queued in front of it as arriving together.
     */
    @Test
    void fiftyInstancesAllFinishWithinTwentyRequestsPerSecondPerAction() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", CliJar.JAR.toString(), "emulator", "--port", "0", "--rate-limit", Integer.toString(LIMIT),
                "--secret-id", SECRET_ID, "--secret-key", SECRET_KEY, "--step-ms", "100")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                    process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            String first = lines.readLine();
            assertThat(first).as("emulator's first line").isNotNull().contains("listening on http://");
            String endpoint = first.substring(first.indexOf("http://")).trim();
            run(endpoint);
        } finally {
            process.destroy();
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private void run(String endpoint) throws Exception {
        {
            record Emulator(String endpoint) {
            }
            Emulator emulator = new Emulator(endpoint);
            List<String> args = new ArrayList<>(List.of("kill", "--endpoint", emulator.endpoint(),
                    "--interval-ms", "250", "--output", "json"));
            for (int i = 1; i <= INSTANCES; i++) {
                args.addAll(List.of("--instance", String.format(Locale.ROOT, "crs-load%04d", i)));
            }
            long started = System.nanoTime();
            Path stampsFile = home.resolve("send-stamps.txt");
            CliJar.Result r = CliJar.runStamped(home, Map.of("TENCENTCLOUD_SECRET_ID", SECRET_ID,
                    "TENCENTCLOUD_SECRET_KEY", SECRET_KEY), stampsFile, args.toArray(String[]::new));
            Duration runTime = Duration.ofNanos(System.nanoTime() - started);

            JsonMapper mapper = JsonMapper.builder().build();
            List<JsonNode> json = r.out().stream().map(mapper::readTree).toList();
            JsonNode summary = json.get(json.size() - 1).get("summary");
            JsonNode stats = mapper.readTree(HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(emulator.endpoint() + "/_emulator/stats")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            report(summary, stats, runTime);

            assertThat(r.code()).as(r.err()).isZero();
            Map<String, String> lastStatus = new HashMap<>();
            json.stream().filter(n -> n.has("type"))
                    .forEach(n -> lastStatus.put(n.get("instanceId").stringValue(), n.get("status").stringValue()));
            assertThat(lastStatus).hasSize(INSTANCES).allSatisfy((instance, status) -> assertThat(status)
                    .as(instance).isEqualTo("finished"));
            assertThat(summary.get("finished").intValue()).isEqualTo(INSTANCES);
            assertThat(stats.get("tasksCreated").intValue()).isEqualTo(INSTANCES);
            Map<String, Long> requests = new TreeMap<>();
            stats.get("requests").properties().forEach(e -> requests.put(e.getKey(), e.getValue().longValue()));
            Map<String, Integer> max = new TreeMap<>();
            stats.get("maxRequestsInOneSecond").properties().forEach(e -> max.put(e.getKey(), e.getValue().intValue()));
            RateClaim.assertWithin(LIMIT, SendStamps.read(stampsFile), requests,
                    stats.get("errors").path("RequestLimitExceeded").asLong(0), max, false);
        }
    }

    /** The figures to quote: what was sent, how much of the 20/s budget of each action it used, how long it waited. */
    private static void report(JsonNode summary, JsonNode stats, Duration runTime) {
        double seconds = summary.get("elapsedMs").longValue() / 1000.0;
        StringBuilder b = new StringBuilder("CLI summary: ").append(summary).append('\n');
        stats.get("requests").properties().forEach(e -> b.append(String.format(Locale.ROOT,
                "  %-30s %4d requests, %5.1f/s = %3.0f%% of the %d/s budget over %.1f s, peak %d in one second%n",
                e.getKey(), e.getValue().longValue(), e.getValue().longValue() / seconds,
                100 * e.getValue().longValue() / (LIMIT * seconds), LIMIT, seconds,
                stats.get("maxRequestsInOneSecond").path(e.getKey()).intValue())));
        b.append(String.format(Locale.ROOT, "  emulator errors %s; total limiter wait %.1f s (summed over requests); "
                + "CLI process run time %.1f s", stats.get("errors"), summary.get("limiterWaitMs").longValue() / 1000.0,
                runTime.toMillis() / 1000.0));
        System.out.println(b);
    }
}
