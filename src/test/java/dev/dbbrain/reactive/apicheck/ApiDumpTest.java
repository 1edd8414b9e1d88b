package dev.dbbrain.reactive.apicheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the API dump writes, on small fixture classes packed into jars: each kind of member in Java's syntax with
 * its full generic signature, nothing that is not API, and a changed return type that still compiles for callers
 * shown as a difference.
 */
class ApiDumpTest {

    private static final String FIXTURE = "dev/dbbrain/reactive/apicheck/fixture/";

    @TempDir
    Path temp;

    @Test
    void everyKindOfMemberIsWrittenWithItsGenericSignatureAndNothingElse() throws Exception {
        String dump = dumpOf(FIXTURE + "shape/");

        assertThat(dump).isEqualTo("""
                # The public API of fixture (7 types).
                # Checked against the compiled jar by PublicApiDumpIT in ./mvnw verify;
                # rewrite with ./mvnw -B verify -DapiDump (see CONTRIBUTING.md, "The public API").

                public record dev.dbbrain.reactive.apicheck.fixture.shape.Circle(double radius, \
                java.util.List<java.lang.String> tags) implements dev.dbbrain.reactive.apicheck.fixture.shape.Shape {
                  public Circle(double, java.util.List<java.lang.String>)
                  public boolean equals(java.lang.Object)
                  public int hashCode()
                  public double radius()
                  public java.util.List<java.lang.String> tags()
                  public java.lang.String toString()
                }

                public enum dev.dbbrain.reactive.apicheck.fixture.shape.Kind {
                  SECOND
                  FIRST
                  public static dev.dbbrain.reactive.apicheck.fixture.shape.Kind valueOf(java.lang.String)
                  public static dev.dbbrain.reactive.apicheck.fixture.shape.Kind[] values()
                }

                @java.lang.annotation.Retention(value=java.lang.annotation.RetentionPolicy.RUNTIME)
                @java.lang.annotation.Target(value={java.lang.annotation.ElementType.TYPE, \
                java.lang.annotation.ElementType.METHOD})
                public @interface dev.dbbrain.reactive.apicheck.fixture.shape.Marker {
                  public dev.dbbrain.reactive.apicheck.fixture.shape.Kind kind() default \
                dev.dbbrain.reactive.apicheck.fixture.shape.Kind.FIRST
                  public java.lang.String[] names() default {"a", "b"}
                  public int size() default 3
                  public java.lang.Class<?> type()
                }

                public class dev.dbbrain.reactive.apicheck.fixture.shape.Sample<T extends \
                java.lang.Comparable<? super T>> implements java.lang.Iterable<T> {
                  public static final long LIMIT = 10L
                  public static final java.lang.String NAME = "sample\\n"
                  public static final java.util.List<java.lang.String> NOT_CONSTANT
                  public static final boolean ON = true
                  public static final char SEPARATOR = ','
                  protected int counter
                  protected Sample(T)
                  public Sample()
                  public java.util.Map<java.lang.String, ? extends java.util.List<T>> grouped() \
                throws java.io.IOException, java.lang.IllegalStateException
                  protected void hook(int)
                  protected void hook(int[], java.util.List<? super T>)
                  public java.util.Iterator<T> iterator()
                  public static <E extends java.lang.Comparable<? super E>> \
                dev.dbbrain.reactive.apicheck.fixture.shape.Sample<E> of(E...)
                  @java.lang.Deprecated(forRemoval=true, since="0.9") public void old()
                }

                protected static class dev.dbbrain.reactive.apicheck.fixture.shape.Sample.Guarded {
                  protected Guarded()
                }

                public static final class dev.dbbrain.reactive.apicheck.fixture.shape.Sample.Nested {
                  public Nested()
                }

                public sealed interface dev.dbbrain.reactive.apicheck.fixture.shape.Shape \
                permits dev.dbbrain.reactive.apicheck.fixture.shape.Circle {
                  public default double area()
                }
                """);
    }

    @Test
    void aReturnTypeChangedFromAnEnumToAStringIsADifference() throws Exception {
        String before = dumpOf(FIXTURE + "before/");
        String after = dumpOf(FIXTURE + "after/").replace("fixture.after.", "fixture.before.");

        String diff = LineDiff.diff(before, after);

        assertThat(diff).contains(
                "@@ public record dev.dbbrain.reactive.apicheck.fixture.before.Task(long id, java.lang.String "
                        + "instanceId) {",
                "-   public dev.dbbrain.reactive.apicheck.fixture.before.Phase status()",
                "+   public java.lang.String status()",
                "+   public dev.dbbrain.reactive.apicheck.fixture.before.Phase phase()");
        assertThat(LineDiff.diff(before, before)).isEmpty();
    }

    @Test
    void theInternalPackageTheCliAndPackagePrivateTypesAreLeftOut() throws Exception {
        Path classes = Path.of(DbbrainClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String dump = dump(jar(classes, "dev/dbbrain/reactive/"));

        assertThat(dump).contains("public final class dev.dbbrain.reactive.DbbrainClient ",
                "public final class dev.dbbrain.reactive.emulator.DbbrainEmulator ")
                .doesNotContain("dev.dbbrain.reactive.internal.", "dev.dbbrain.reactive.cli.",
                        "dev.dbbrain.reactive.ApiTransport", "dev.dbbrain.reactive.WatchEngine");
    }

    private String dumpOf(String prefix) throws IOException, URISyntaxException {
        Path classes = Path.of(ApiDumpTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return dump(jar(classes, prefix));
    }

    private static String dump(Path jar) throws IOException {
        Map<String, String> dumps = ApiDump.dump(Map.of("fixture", jar), ApiDumpTest.class.getClassLoader());
        return dumps.get("fixture");
    }

    /** A jar of the class files under {@code prefix} in {@code root}. */
    private Path jar(Path root, String prefix) throws IOException {
        Path jar = Files.createTempFile(temp, "fixture", ".jar");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root.resolve(prefix))) {
            files = walk.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Path file : files) {
                out.putNextEntry(new JarEntry(root.relativize(file).toString().replace('\\', '/')));
                copy(file, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    private static void copy(Path file, OutputStream out) throws IOException {
        Files.copy(file, out);
    }
}
