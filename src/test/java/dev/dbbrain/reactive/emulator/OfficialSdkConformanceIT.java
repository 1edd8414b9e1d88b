package dev.dbbrain.reactive.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.TaskStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The official SDKs, unchanged, pointed at the emulator as a user would point them: the Java SDK 3.1.1000 and the
 * Node SDK 4.1.313, each in a process of its own where {@code dbbrain.tencentcloudapi.com} resolves to 127.0.0.1
 * and every other name fails to resolve (a JDK hosts file, a Node preload), with the endpoint
 * {@code dbbrain.tencentcloudapi.com:PORT} over HTTP, and over HTTPS trusting the certificate file the emulator
 * wrote. Each creates a task and describes it until it ends with TC3 POST, TC3 GET, v1 HmacSHA256 (POST and GET)
 * and v1 HmacSHA1; a wrong key is refused under both signatures and an unknown SecretId too.
 *
 * <p>The Node cases need {@code node} on the PATH and the SDK installed where {@code DBBRAIN_NODE_SDK_DIR} (or
 * {@code target/node-sdk}) points ({@code .ci/run} installs it from {@code src/test/node/package-lock.json});
 * without them they are skipped, with the reason printed.
 */
class OfficialSdkConformanceIT {

    private static final String SECRET_ID = "AKIDconformance00001";
    private static final String SECRET_KEY = "conformance-secret-key";
    private static final String NAME = "dbbrain.tencentcloudapi.com";
    private static final List<String> SUCCESSES = List.of("tc3-post", "tc3-get", "v1-hmacsha256-post",
            "v1-hmacsha1-post", "v1-hmacsha256-get");
    private static final Pattern LINE = Pattern.compile("RESULT\t([^\t]+)\t(ok|error)\t(.*)");
    private static final Duration DRIVER_TIMEOUT = Duration.ofMinutes(3);

    enum Transport { HTTP, HTTPS }

    record Outcome(boolean ok, String details) {
    }

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Transport.class)
    void officialJavaSdkCreatesAndDescribesToTheEndWithEverySignatureAndIsRefusedAWrongKey(Transport transport)
            throws Exception {
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 " + NAME + " localhost\n");
        try (DbbrainEmulator emulator = emulator(transport, false)) {
            String java = ProcessHandle.current().info().command().orElse("java");
            Map<String, Outcome> outcomes = run(List.of(java, "-Xmx256m", "-Djdk.net.hosts.file=" + hosts,
                    "-cp", System.getProperty("java.class.path"), OfficialJavaSdkDriver.class.getName(),
                    NAME + ":" + emulator.port(), protocol(transport), certificateArgument(transport),
                    SECRET_ID, SECRET_KEY, "crs-javasdk1"), Map.of(), 8);
            assertConforms(outcomes, emulator);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void officialNodeSdkCreatesAndDescribesToTheEndWithEverySignatureAndIsRefusedAWrongKey(Transport transport)
            throws Exception {
        Path sdk = nodeSdkOrSkip();
        try (DbbrainEmulator emulator = emulator(transport, false)) {
            Map<String, Outcome> outcomes = runNode(sdk, emulator, transport);
            assertConforms(outcomes, emulator);
        }
    }

    /**
     * The scripting is wire-compatible: the official Java SDK reads the scripted error (code and RequestId), the
     * HTTP 502, the task sequence and the scripted ID as it reads the service's, and its requests are recorded with
     * the same decoded fields whether it signs them with TC3 (POST or GET) or v1 (POST or GET).
     */
    @Test
    void officialJavaSdkReadsScriptedAnswersAndItsRequestsAreRecordedAlikeWhateverItsSignature() throws Exception {
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 " + NAME + " localhost\n");
        try (DbbrainEmulator emulator = emulator(Transport.HTTP, false)) {
            emulator.enqueue("DescribeProxySessionKillTasks",
                    EmulatorAnswer.error("ResourceNotFound.InstanceNotFoundError", "The instance does not exist.")
                            .withRequestId("req-scripted-1"),
                    EmulatorAnswer.httpStatus(502, "text/html", "<html>502 Bad Gateway</html>"),
                    EmulatorAnswer.taskState(TaskStatus.RUNNING, 30), EmulatorAnswer.taskState(TaskStatus.RUNNING, 70),
                    EmulatorAnswer.taskState(TaskStatus.FINISHED, 100));
            emulator.enqueue("CreateProxySessionKillTask", EmulatorAnswer.created(4242).withRequestId("req-scripted-2"));
            String java = ProcessHandle.current().info().command().orElse("java");
            Map<String, Outcome> outcomes = run(List.of(java, "-Xmx256m", "-Djdk.net.hosts.file=" + hosts,
                    "-cp", System.getProperty("java.class.path"), OfficialJavaSdkDriver.class.getName(),
                    NAME + ":" + emulator.port(), "http://", "-", SECRET_ID, SECRET_KEY, "crs-javasdk2", "scripted"),
                    Map.of(), 6);

            String all = outcomes.toString();
            assertThat(outcomes.get("scripted-error").details()).as(all)
                    .startsWith("ResourceNotFound.InstanceNotFoundError requestId=req-scripted-1 ");
            assertThat(outcomes.get("scripted-http502").ok()).as(all).isFalse();
            assertThat(outcomes.get("scripted-http502").details()).as(all).contains("502");
            assertThat(outcomes.get("scripted-sequence").details()).as(all)
                    .isEqualTo("running:30:0 running:70:2 finished:100:3");
            assertThat(outcomes.get("scripted-create-v1").details()).as(all).isEqualTo("id=4242 requestId=req-scripted-2");
            assertThat(outcomes.get("recorded-tc3-get").details()).as(all).isEqualTo("tasks=0");
            assertThat(outcomes.get("recorded-v1-get").details()).as(all).isEqualTo("tasks=0");

            List<RecordedRequest> sent = new ArrayList<>();
            for (Optional<RecordedRequest> r = emulator.pollRequest(); r.isPresent(); r = emulator.pollRequest()) {
                sent.add(r.get());
            }
            assertThat(sent).as("one request a call: the SDK retried nothing").hasSize(8)
                    .allSatisfy(r -> assertThat(r.signatureVerified()).as(r.toString()).isTrue());
            assertThat(sent).extracting(r -> r.method() + " " + r.signatureMethod().orElseThrow()).containsExactly(
                    "POST TC3-HMAC-SHA256", "POST TC3-HMAC-SHA256", "POST TC3-HMAC-SHA256", "POST TC3-HMAC-SHA256",
                    "POST TC3-HMAC-SHA256", "POST HmacSHA256", "GET TC3-HMAC-SHA256", "GET HmacSHA256");
            for (RecordedRequest describe : List.of(sent.get(0), sent.get(4))) {
                assertThat(describe.parameters()).containsExactlyInAnyOrderEntriesOf(Map.of("InstanceId",
                        "crs-javasdk2", "Product", "redis", "AsyncRequestIds.0", "7"));
            }
            assertThat(sent.get(5).parameters()).containsExactlyInAnyOrderEntriesOf(Map.of("InstanceId",
                    "crs-javasdk2", "Product", "redis"));
            assertThat(sent.get(5).action()).contains("CreateProxySessionKillTask");
            for (RecordedRequest get : sent.subList(6, 8)) {
                assertThat(get.parameters()).containsExactlyInAnyOrderEntriesOf(Map.of("InstanceId",
                        "crs-javasdk2", "Product", "redis", "AsyncRequestIds.0", "99"));
                assertThat(get.region()).contains("ap-guangzhou");
                assertThat(get.secretId()).contains(SECRET_ID);
            }
        }
    }

    /**
     * Why the emulator matches the Host with and without its port by default: the Node SDK signs the host without
     * it (TC3) while sending it, so a strict emulator refuses its TC3 calls; its v1 calls sign the host as sent.
     */
    @Test
    void officialNodeSdkSigningTheHostWithoutItsPortIsRefusedByAStrictEmulatorUnderTc3Only() throws Exception {
        Path sdk = nodeSdkOrSkip();
        try (DbbrainEmulator emulator = emulator(Transport.HTTP, true)) {
            Map<String, Outcome> outcomes = runNode(sdk, emulator, Transport.HTTP);
            assertThat(outcomes.get("tc3-post").details()).startsWith("AuthFailure.SignatureFailure");
            assertThat(outcomes.get("tc3-get").details()).startsWith("AuthFailure.SignatureFailure");
            assertThat(outcomes.get("v1-hmacsha256-post").ok()).as(outcomes.toString()).isTrue();
            assertThat(outcomes.get("v1-hmacsha1-post").ok()).as(outcomes.toString()).isTrue();
        }
    }

    private DbbrainEmulator emulator(Transport transport, boolean strictHost) {
        DbbrainEmulator.Builder builder = DbbrainEmulator.builder()
                .credentials(SECRET_ID, SECRET_KEY)
                .stepDuration(Duration.ofMillis(40))
                .strictHostMatching(strictHost);
        if (transport == Transport.HTTPS) {
            builder.tls(true).tlsHostNames(NAME).tlsCertificateFile(dir.resolve("emulator.pem"));
        }
        return builder.start();
    }

    private String protocol(Transport transport) {
        return transport == Transport.HTTPS ? "https://" : "http://";
    }

    private String certificateArgument(Transport transport) {
        return transport == Transport.HTTPS ? dir.resolve("emulator.pem").toString() : "-";
    }

    private Map<String, Outcome> runNode(Path sdk, DbbrainEmulator emulator, Transport transport) throws Exception {
        Path scripts = Path.of("src", "test", "node").toAbsolutePath();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("NODE_PATH", sdk.resolve("node_modules").toString());
        if (transport == Transport.HTTPS) {
            env.put("NODE_EXTRA_CA_CERTS", certificateArgument(transport));
        }
        return run(List.of(node().orElseThrow().toString(),
                "--require", scripts.resolve("resolve-dbbrain-to-loopback.cjs").toString(),
                scripts.resolve("drive-official-sdk.cjs").toString(),
                NAME + ":" + emulator.port(), protocol(transport), SECRET_ID, SECRET_KEY, "crs-nodesdk1"), env, 8);
    }

    private static void assertConforms(Map<String, Outcome> outcomes, DbbrainEmulator emulator) {
        String all = outcomes.toString();
        for (String name : SUCCESSES) {
            assertThat(outcomes.get(name)).as(name + " in " + all).isNotNull();
            assertThat(outcomes.get(name).ok()).as(name + " in " + all).isTrue();
            assertThat(outcomes.get(name).details()).as(name).matches("id=\\d+ status=finished describes=\\d+ total=1");
        }
        assertThat(outcomes.get("tc3-wrong-key").details()).as(all).startsWith("AuthFailure.SignatureFailure ");
        assertThat(outcomes.get("v1-wrong-key").details()).as(all).startsWith("AuthFailure.SignatureFailure ");
        assertThat(outcomes.get("unknown-secret-id").details()).as(all).startsWith("AuthFailure.SecretIdNotFound ");
        assertThat(emulator.stats().tasksCreated()).as("tasks the emulator created").isEqualTo(SUCCESSES.size());
    }

    /** Runs a driver with no proxy settings in its environment and collects its RESULT lines by case. */
    private Map<String, Outcome> run(List<String> command, Map<String, String> extraEnv, int cases)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(name -> name.toLowerCase().endsWith("_proxy"));
        pb.environment().putAll(extraEnv);
        Path err = dir.resolve("driver-stderr.txt");
        pb.redirectError(err.toFile());
        Process process = pb.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
            }
        }
        if (!process.waitFor(DRIVER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the SDK driver did not finish within " + DRIVER_TIMEOUT);
        }
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                outcomes.put(m.group(1), new Outcome("ok".equals(m.group(2)), m.group(3)));
            }
        }
        assertThat(process.exitValue()).as("exit code; stdout " + lines + "; stderr " + Files.readString(err))
                .isZero();
        assertThat(outcomes).as("stdout " + lines + "; stderr " + Files.readString(err)).hasSize(cases);
        return outcomes;
    }

    /** The installed Node SDK's directory, or a skipped test with the reason printed. */
    private static Path nodeSdkOrSkip() throws IOException {
        String configured = System.getenv("DBBRAIN_NODE_SDK_DIR");
        Path sdk = (configured == null || configured.isBlank() ? Path.of("target", "node-sdk") : Path.of(configured))
                .toAbsolutePath();
        Path manifest = sdk.resolve("node_modules/tencentcloud-sdk-nodejs/package.json");
        String reason = null;
        if (node().isEmpty()) {
            reason = "no node executable on the PATH";
        } else if (!Files.isRegularFile(manifest)) {
            reason = "the official Node SDK is not installed in " + sdk + " (.ci/run installs it; by hand: mkdir -p "
                    + "target/node-sdk && cp src/test/node/package*.json target/node-sdk && npm ci --prefix "
                    + "target/node-sdk, or point DBBRAIN_NODE_SDK_DIR at such a directory)";
        }
        if (reason != null) {
            System.out.println("OfficialSdkConformanceIT: skipping the Node SDK cases: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
        Matcher version = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(Files.readString(manifest));
        System.out.println("OfficialSdkConformanceIT: Node " + node().orElseThrow() + ", tencentcloud-sdk-nodejs "
                + (version.find() ? version.group(1) : "(version unknown)") + " from " + sdk);
        return sdk;
    }

    private static Optional<Path> node() {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, "node");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
