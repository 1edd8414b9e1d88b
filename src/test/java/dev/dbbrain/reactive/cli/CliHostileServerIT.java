package dev.dbbrain.reactive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.auth.CredentialsProvider;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorAnswer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CLI in-process against servers that answer badly or not at all, and with credentials the service refuses:
 * each run ends with a one-line error and exit code 3 — never a stack trace, never the secret key or session token,
 * never a control character from the server reaching the terminal.
 */
class CliHostileServerIT {

    private static final String SECRET_KEY = "CliSecretKey-Pq7Wz3Rn";
    private static final String TOKEN = "CliSessionToken-Ug5Ty2Mb";
    private static final Credentials CREDENTIALS = Credentials.of("AKIDclihostile", SECRET_KEY, TOKEN);
    private static final String ESCAPES = "\u001b[2J\u001b]0;pwned\u0007\u009b31m";
    /** A hostile answer, made when a test starts its server (the 64 MiB one is not kept between tests). */
    record Hostile(String name, Supplier<EmulatorAnswer> answer) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Supplier<EmulatorAnswer> answer(int status, String contentType, String body) {
        return () -> EmulatorAnswer.httpStatus(status, contentType, body);
    }

    /** {@code {"Response":{"RequestId":"} and 64 MiB of x, without a Content-Length: sent chunked, in pieces. */
    private static EmulatorAnswer sixtyFourMebibyteString() {
        byte[] start = "{\"Response\":{\"RequestId\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] body = Arrays.copyOf(start, start.length + (64 << 20));
        Arrays.fill(body, start.length, body.length, (byte) 'x');
        return EmulatorAnswer.raw(200, Map.of("Content-Type", "application/json"), body);
    }

    /**
     * An emulator that accepts the CLI's credentials (token included) and answers every request that passes with
     * the hostile answer.
     */
    private static DbbrainEmulator serving(Hostile hostile) {
        DbbrainEmulator server = DbbrainEmulator.builder().temporaryCredentials(CREDENTIALS.secretId(), SECRET_KEY,
                TOKEN).rateLimit(0).start();
        EmulatorAnswer answer = hostile.answer().get();
        server.dispatcher(request -> answer);
        return server;
    }

    static List<Hostile> hostileServers() {
        return List.of(
                new Hostile("gateway page", answer(502, "text/html", "<html><title>502 Bad Gateway</title>"
                        + ESCAPES + "</html>")),
                new Hostile("garbage", answer(200, "application/json", "\u0000\u00ff" + ESCAPES + "{{{")),
                new Hostile("api error with escapes and a long message", answer(200, "application/json",
                        "{\"Response\":{\"Error\":{\"Code\":\"FailedOperation" + ESCAPES.replace("\u001b", "\\u001b")
                                .replace("\u0007", "\\u0007").replace("\u009b", "\\u009b") + "\",\"Message\":\""
                                + "\\u001b[2J".repeat(20) + "m".repeat(100_000) + "\"},\"RequestId\":\"r-esc\"}}")),
                new Hostile("error without code", answer(200, "application/json",
                        "{\"Response\":{\"Error\":{\"Message\":\"?\"},\"RequestId\":\"r-codeless\"}}")),
                new Hostile("200,000 nested arrays", answer(200, "application/json",
                        "{\"Response\":{\"X\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}}")),
                new Hostile("100,000 digits", answer(200, "application/json",
                        "{\"Response\":{\"AsyncRequestId\":" + "9".repeat(100_000) + "}}")),
                new Hostile("64 MiB string", CliHostileServerIT::sixtyFourMebibyteString),
                new Hostile("body cut short", () -> EmulatorAnswer.raw(200, Map.of("Content-Type", "application/json",
                        "Content-Length", "500"), "{\"Response\":{".getBytes(StandardCharsets.UTF_8)).disconnectAtEnd()),
                new Hostile("connection reset", EmulatorAnswer::reset),
                new Hostile("never answers", EmulatorAnswer::noAnswer));
    }

    private record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private static Run cli(String... args) {
        return cli(true, args);
    }

    /** Without the live board ({@code terminal} false), whose own escape codes would hide the server's. */
    private static Run cli(boolean terminal, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), terminal, CredentialsProvider.of(CREDENTIALS),
                builder -> builder.responseTimeout(Duration.ofMillis(700)).maxRetries(2)
                        .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20)))
                .run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertCleanFailure(Run run) {
        assertThat(run.code()).as(run.all()).isEqualTo(3);
        assertThat(run.err()).as("one error line").contains("error: ");
        assertThat(run.all()).doesNotContain("\tat ", "Exception in thread", "Caused by", "\n\tat")
                .doesNotContain(SECRET_KEY, TOKEN, "Pq7Wz3Rn", "Ug5Ty2Mb")
                .doesNotContain("\u0007", "\u009b", "pwned\u0007", "\u001b]0", "\u001b[2J");
        assertThat(run.err().length()).as("stderr stays short").isLessThan(8_000);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileServers")
    void killDescribeAndWatchEndInOneCleanErrorLine(Hostile hostile) {
        try (DbbrainEmulator server = serving(hostile)) {
            assertCleanFailure(cli("kill", "--endpoint", server.endpoint(), "--instance", "crs-hostile1"));
            assertCleanFailure(cli("describe", "--endpoint", server.endpoint(), "--instance", "crs-hostile1",
                    "--task", "7"));
            Run json = cli("watch", "--endpoint", server.endpoint(), "--instance", "crs-hostile1", "--task", "7",
                    "--timeout-s", "5", "--output", "json");
            assertThat(json.code()).isEqualTo(3);
            assertThat(json.all()).doesNotContain("\tat ", SECRET_KEY, TOKEN, "\u0007", "\u001b");
        }
    }

    @Test
    void verboseRunsShowStackTracesButNeverTheSecret() {
        try (DbbrainEmulator server = serving(hostileServers().get(1))) {
            Run run = cli("--verbose", "kill", "--endpoint", server.endpoint(), "--instance", "crs-hostile1");
            assertThat(run.code()).isEqualTo(3);
            assertThat(run.err()).contains("\tat ");
            assertThat(run.all()).doesNotContain(SECRET_KEY, TOKEN, "Pq7Wz3Rn", "Ug5Ty2Mb");
        }
    }

    @Test
    void verboseStackTracesCarryNoControlCharacterFromTheServer() {
        // The reproduction: printStackTrace bypassed the filter, and a hostile Message retitled and cleared the
        // terminal. Now every line of a trace goes through it, as every other line does.
        for (Hostile hostile : hostileServers().subList(0, 3)) {
            try (DbbrainEmulator server = serving(hostile)) {
                for (Run run : List.of(
                        cli(false, "--verbose", "kill", "--endpoint", server.endpoint(), "--instance",
                                "crs-hostile1"),
                        cli(false, "--verbose", "describe", "--endpoint", server.endpoint(), "--instance", "crs-hostile1",
                                "--task", "7"))) {
                    assertThat(run.code()).as(hostile.name()).isEqualTo(3);
                    assertThat(run.err()).as("a stack trace, its frames indented as Java does").contains("\tat ");
                    assertThat(run.all().chars().filter(c -> (c < 0x20 && c != '\n' && c != '\t')
                            || (c >= 0x7f && c <= 0x9f))).as(hostile.name() + ": no ESC, BEL or C1 byte").isEmpty();
                }
            }
        }
    }

    @Test
    void refusedConnectionEndsInOneCleanErrorLine() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Run run = cli("kill", "--endpoint", "http://127.0.0.1:" + port, "--instance", "crs-hostile1");
        assertCleanFailure(run);
        assertThat(run.err()).contains("refused");
    }

    @Test
    void credentialsTheServiceRefusesEndInOneCleanErrorLineNamingTheCode() {
        try (DbbrainEmulator emulator = DbbrainEmulator.builder()
                .temporaryCredentials(CREDENTIALS.secretId(), "AnotherKey-0000", TOKEN).start()) {
            Run run = cli("kill", "--endpoint", emulator.endpoint(), "--instance", "crs-hostile1");
            assertCleanFailure(run);
            assertThat(run.err()).contains("AuthFailure.SignatureFailure").contains("RequestId");
        }
        try (DbbrainEmulator emulator = DbbrainEmulator.builder().credentials("AKIDsomeoneelse", SECRET_KEY).start()) {
            Run run = cli("describe", "--endpoint", emulator.endpoint(), "--instance", "crs-hostile1", "--task", "1");
            assertCleanFailure(run);
            assertThat(run.err()).contains("AuthFailure.SecretIdNotFound");
        }
    }

    @Test
    void plainHttpToAHostThatIsNotLoopbackIsAConfigurationErrorNotAStackTrace() {
        Run run = cli("kill", "--endpoint", "http://dbbrain.example.com", "--instance", "crs-hostile1");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err().strip()).startsWith("dbbrain: --endpoint: ").contains("not loopback")
                .doesNotContain("allowInsecureEndpoint", "Exception").hasLineCount(1);
    }
}
