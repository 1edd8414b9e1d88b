package dev.dbbrain.reactive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the self-contained CLI jar as a user runs it: a separate JVM, stdout piped, a controlled environment. */
final class CliJar {

    static final Path JAR = Path.of("target", "dbbrain-cli.jar");

    record Result(int code, List<String> out, String err) {
    }

    private CliJar() {
    }

    /**
     * Runs the jar with {@code home} as user.home, no TENCENTCLOUD_ variable but those in {@code extraEnv}, and
     * waits up to 60 s.
     */
    static Result run(Path home, Map<String, String> extraEnv, String... args) throws IOException,
            InterruptedException {
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
}
