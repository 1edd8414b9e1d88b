package dev.dbbrain.reactive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.testing.SendStamps;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
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
        return run(home, extraEnv, List.of("-jar", JAR.toString()), args);
    }

    /**
     * Runs the jar's code as {@link #run} does, through {@link StampedCli} (the jar's classes plus that class and
     * {@link SendStamps}, copied from the test classes), so that the CLI's client stamps every request it writes;
     * the stamps are read from {@code stamps} once the CLI has ended.
     */
    static Result runStamped(Path home, Map<String, String> extraEnv, Path stamps, String... args)
            throws IOException, InterruptedException {
        Path classes = Files.createTempDirectory(home, "stamped-classes");
        for (Class<?> type : List.of(StampedCli.class, SendStamps.class)) {
            Path from = Path.of(URI.create(type.getProtectionDomain().getCodeSource().getLocation().toString()));
            Path dir = from.resolve(type.getPackageName().replace('.', '/'));
            Path to = Files.createDirectories(classes.resolve(type.getPackageName().replace('.', '/')));
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, type.getSimpleName() + "*.class")) {
                for (Path file : files) {
                    Files.copy(file, to.resolve(file.getFileName().toString()));
                }
            }
        }
        List<String> all = new ArrayList<>(List.of(stamps.toString()));
        all.addAll(List.of(args));
        return run(home, extraEnv, List.of("-cp", JAR + File.pathSeparator + classes, StampedCli.class.getName()),
                all.toArray(String[]::new));
    }

    private static Result run(Path home, Map<String, String> extraEnv, List<String> launch, String... args)
            throws IOException, InterruptedException {
        assertThat(JAR).as("built by the package phase").exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Duser.home=" + home));
        command.addAll(launch);
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
