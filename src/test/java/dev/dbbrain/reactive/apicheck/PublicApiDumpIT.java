package dev.dbbrain.reactive.apicheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The public API of the jars this build packaged (the library's and the emulator's) is the one committed in
 * {@code api/}: a change to it, even one that still compiles for callers (a return type changed from an enum to a
 * string), fails {@code ./mvnw verify} with the difference and the command that rewrites the dump. Run with
 * {@code -DapiDump}, it writes the dump instead (the {@code api-dump} profile runs this test alone).
 */
class PublicApiDumpIT {

    /** The command that rewrites the dump; CONTRIBUTING.md documents it. */
    static final String DUMP_COMMAND = "./mvnw -B verify -DapiDump";

    private static final Path API = Path.of("api");
    private static final Path TARGET = Path.of("target");

    private record Artifact(String coordinates, Path jar, Path dump) {
    }

    private static List<Artifact> artifacts() {
        String version = DbbrainClient.version();
        return List.of(
                new Artifact("dev.dbbrain:dbbrain-reactive",
                        TARGET.resolve("dbbrain-reactive-" + version + ".jar"), API.resolve("dbbrain-reactive.api")),
                new Artifact("dev.dbbrain:dbbrain-reactive, classifier emulator",
                        TARGET.resolve("dbbrain-reactive-" + version + "-emulator.jar"),
                        API.resolve("dbbrain-reactive-emulator.api")));
    }

    @Test
    void thePackagedJarsHaveExactlyTheCommittedPublicApi() throws IOException {
        List<Artifact> artifacts = artifacts();
        Map<String, Path> jars = new LinkedHashMap<>();
        for (Artifact artifact : artifacts) {
            assertThat(artifact.jar()).as("packaged before the integration tests").isRegularFile();
            jars.put(artifact.coordinates(), artifact.jar());
        }
        Map<String, String> dumps = ApiDump.dump(jars, PublicApiDumpIT.class.getClassLoader());

        if (System.getProperty("apiDump") != null) {
            Files.createDirectories(API);
            for (Artifact artifact : artifacts) {
                Files.writeString(artifact.dump(), dumps.get(artifact.coordinates()));
                System.out.println("API dump written: " + artifact.dump().toAbsolutePath());
            }
            return;
        }
        List<String> differences = new ArrayList<>();
        for (Artifact artifact : artifacts) {
            String committed = Files.exists(artifact.dump()) ? Files.readString(artifact.dump()) : "";
            String diff = LineDiff.diff(committed, dumps.get(artifact.coordinates()));
            if (!diff.isEmpty()) {
                differences.add("--- " + artifact.dump() + " (committed)\n+++ " + artifact.jar() + " (compiled)\n"
                        + diff);
            }
        }
        if (!differences.isEmpty()) {
            throw new AssertionError("The public API of the compiled jars differs from the committed dump.\n\n"
                    + String.join("\n", differences)
                    + "\nIf the change is intended, rewrite the dump with\n\n    " + DUMP_COMMAND + "\n\n"
                    + "and commit api/ together with a CHANGELOG.md entry (and a migration line when the change can"
                    + " break a user).\n");
        }
    }
}
