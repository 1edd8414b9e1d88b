package dev.dbbrain.reactive.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The committed inputs of the fuzz targets, on the test class path: {@code fuzz/<target>/} holds a target's seeds
 * and the findings that became regression inputs (as the target takes them); {@code fuzz/findings/} holds findings
 * of {@link DecodersFuzz#all} as Jazzer wrote them, selector byte first.
 */
final class FuzzCorpora {

    static final String FINDINGS = "findings";
    /** The system property naming a directory of generated multiplexed inputs to replay. */
    static final String GENERATED = "fuzz.generated";
    /** The system property naming the fuzz method whose inputs {@value #GENERATED} holds; {@code all} by default. */
    static final String GENERATED_METHOD = "fuzz.generated.method";

    private FuzzCorpora() {
    }

    /** A target's committed inputs by file name. */
    static Map<String, byte[]> seeds(FuzzTarget target) {
        return files(target.directory());
    }

    /** The committed findings of the multiplexed target by file name, selector byte first. */
    static Map<String, byte[]> findings() {
        return files(FINDINGS);
    }

    /**
     * The inputs a fuzzing run kept (Jazzer's working corpus of the {@link DecodersFuzz} method named by
     * {@value #GENERATED_METHOD}: selector byte first for {@code all}) when the system property {@value #GENERATED}
     * names its directory; else none.
     */
    static Map<String, byte[]> generated() {
        String directory = System.getProperty(GENERATED);
        return directory == null || directory.isBlank() ? new TreeMap<>() : files(Path.of(directory));
    }

    /** The target of a {@link DecodersFuzz} method of one target, or null for {@code all}. */
    static FuzzTarget targetOf(String method) {
        for (FuzzTarget target : FuzzTarget.values()) {
            if (methodName(target).equals(method)) {
                return target;
            }
        }
        if (method.equals("all")) {
            return null;
        }
        throw new IllegalArgumentException("no fuzz method " + method);
    }

    /** A seed of {@code target} as {@link DecodersFuzz#all} takes it. */
    static byte[] multiplexed(FuzzTarget target, byte[] seed) {
        byte[] bytes = new byte[seed.length + 1];
        bytes[0] = (byte) target.ordinal();
        System.arraycopy(seed, 0, bytes, 1, seed.length);
        return bytes;
    }

    /** The name of the fuzz method of {@code target} alone: {@code describe-answer} is {@code describeAnswer}. */
    static String methodName(FuzzTarget target) {
        StringBuilder name = new StringBuilder();
        for (String part : target.directory().split("-")) {
            name.append(name.length() == 0 ? part : part.substring(0, 1).toUpperCase(Locale.ROOT) + part.substring(1));
        }
        return name.toString();
    }

    private static Map<String, byte[]> files(String directory) {
        URL url = FuzzCorpora.class.getResource("/fuzz/" + directory);
        try {
            return url == null ? new TreeMap<>() : files(Path.of(url.toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, byte[]> files(Path directory) {
        Map<String, byte[]> files = new TreeMap<>();
        if (!Files.isDirectory(directory)) {
            return files;
        }
        try (Stream<Path> paths = Files.list(directory)) {
            for (Path path : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
                files.put(path.getFileName().toString(), Files.readAllBytes(path));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
