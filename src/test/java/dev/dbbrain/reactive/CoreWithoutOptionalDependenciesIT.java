package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Spring and Micrometer are optional, and jackson-databind is no dependency at all (tests use it): the core neither
 * refers to them nor needs them at run time.
 */
class CoreWithoutOptionalDependenciesIT {

    private static final String LEAK_DETECTOR = "io.netty.customResourceLeakDetector";
    private static final List<String> OPTIONAL = List.of("io/micrometer", "io.micrometer", "org/springframework",
            "org.springframework");
    /** jackson-databind and the jackson-annotations it needs: their jars, and their packages in a class file. */
    private static final List<String> DATABIND_JARS = List.of("/jackson-databind-", "/jackson-annotations-");
    private static final List<String> DATABIND = List.of("tools/jackson/databind", "com/fasterxml/jackson/annotation");

    @Test
    void theCoreRunsThroughAClassLoaderThatHidesMicrometerSpringAndDatabind() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String path = entry.replace('\\', '/');
            if (OPTIONAL.stream().noneMatch(path::contains) && DATABIND_JARS.stream().noneMatch(path::contains)
                    && !path.contains("/org/hdrhistogram/")
                    && !path.contains("/org/latencyutils/")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        assertThat(urls).as("the test class path").hasSizeGreaterThan(5);
        try (URLClassLoader isolated = new URLClassLoader("core-only", urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            @SuppressWarnings("unchecked")
            Callable<String> probe = (Callable<String>) isolated.loadClass(CoreOnlyProbe.class.getName())
                    .getDeclaredConstructor().newInstance();
            // The suite's recording leak detector extends the application loader's Netty, not the isolated copy:
            // Netty would refuse it with a SEVERE log line and use its default, so ask for the default directly.
            String leakDetector = System.clearProperty(LEAK_DETECTOR);
            String result;
            try {
                result = probe.call();
            } finally {
                if (leakDetector != null) {
                    System.setProperty(LEAK_DETECTOR, leakDetector);
                }
            }
            assertThat(result).startsWith("FINISHED FINISHED ");
        }
    }

    @Test
    void noCoreClassRefersToMicrometerOrSpring() throws Exception {
        Path classes = Path.of(DbbrainClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path root = classes.resolve("dev/dbbrain/reactive");
        List<String> offenders = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String relative = root.relativize(file).toString().replace('\\', '/');
                if (relative.startsWith("spring/") || relative.startsWith("micrometer/")
                        || relative.startsWith("emulator/testing/")) {
                    // The integrations, and the emulator's JUnit and Spring test support (in the emulator jar).
                    continue;
                }
                checked++;
                // Constant-pool strings are modified UTF-8, which equals ASCII for these names.
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                if (OPTIONAL.stream().anyMatch(text::contains)) {
                    offenders.add(relative);
                }
            }
        }
        assertThat(checked).isGreaterThan(50);
        assertThat(offenders).isEmpty();
    }

    @Test
    void noClassOfTheLibraryRefersToJacksonDatabindOrItsAnnotations() throws Exception {
        Path classes = Path.of(DbbrainClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> offenders = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                checked++;
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                if (DATABIND.stream().anyMatch(text::contains)) {
                    offenders.add(classes.relativize(file).toString());
                }
            }
        }
        assertThat(checked).isGreaterThan(100);
        assertThat(offenders).isEmpty();
    }
}
