package dev.dbbrain.reactive.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every build of its own that depends on the library (the examples, the benchmarks) asks for the version this
 * checkout builds: .ci/run installs that version and builds them against it, and one left behind after a version
 * change fails there only, late, as "could not find artifact" (the module-path consumer and the Kotlin example once
 * asked for 0.1.0-SNAPSHOT after the project moved to 1.0.0-SNAPSHOT).
 */
class ExampleVersionsTest {

    private static final Pattern PROPERTY = Pattern.compile("<dbbrain-reactive\\.version>([^<]+)</dbbrain-reactive\\.version>");

    @Test
    void everyExampleAndBenchmarkBuildAsksForTheVersionThisCheckoutBuilds() throws IOException {
        String version = projectVersion(Files.readString(Path.of("pom.xml")));
        List<Path> poms;
        try (Stream<Path> files = Stream.concat(Files.walk(Path.of("examples")), Files.walk(Path.of("benchmarks")))) {
            poms = files.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .filter(p -> !p.toString().contains("target")).toList();
        }
        assertThat(poms).as("the builds of their own").hasSizeGreaterThanOrEqualTo(5);
        for (Path pom : poms) {
            Matcher m = PROPERTY.matcher(Files.readString(pom));
            while (m.find()) {
                assertThat(m.group(1)).as("dbbrain-reactive.version in %s", pom).isEqualTo(version);
            }
        }
    }

    /** The project's own version: the first {@code <version>} after {@code <artifactId>dbbrain-reactive}. */
    private static String projectVersion(String pom) {
        Matcher m = Pattern.compile("<artifactId>dbbrain-reactive</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertThat(m.find()).as("the project's version in pom.xml").isTrue();
        return m.group(1);
    }
}
