package dev.dbbrain.reactive.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of every {@link FuzzTarget} with Jazzer: {@link #all} takes inputs whose first byte picks
 * the target, so that one JVM (Jazzer fuzzes one test per JVM) covers them all for {@code .ci/run}; each target also
 * has a method of its own for a longer session on it alone. Not a {@code *Test}: the normal build replays the seeds
 * ({@link FuzzCorporaTest}), the {@code fuzz} profile fuzzes ({@code src/test/resources/fuzz/README.md}):
 * <pre>{@code
 * ./mvnw -Pfuzz test                                          # all targets, 50 s
 * ./mvnw -Pfuzz test -Dfuzz.test=describeAnswer -Dfuzz.duration=30m
 * }</pre>
 *
 * <p>Before fuzzing, the committed seeds ({@code src/test/resources/fuzz/<target>/}) are written into Jazzer's
 * working corpus ({@code .cifuzz-corpus/}, not committed), with the target's selector byte for {@link #all}. The
 * per-input time bound is the {@link Timeout} here: Jazzer reports a slower input as a finding.
 */
class DecodersFuzz {

    private static final Map<FuzzTarget, LongAdder> RUNS = new EnumMap<>(FuzzTarget.class);

    static {
        for (FuzzTarget target : FuzzTarget.values()) {
            RUNS.put(target, new LongAdder());
        }
    }

    @BeforeAll
    static void seedTheWorkingCorpora() throws IOException {
        Path root = Path.of(".cifuzz-corpus", DecodersFuzz.class.getName());
        for (Method method : DecodersFuzz.class.getDeclaredMethods()) {
            if (!method.isAnnotationPresent(FuzzTest.class)) {
                continue;
            }
            Path corpus = Files.createDirectories(root.resolve(method.getName()));
            for (FuzzTarget target : FuzzTarget.values()) {
                boolean multiplexed = method.getName().equals("all");
                if (!multiplexed && !method.getName().equals(FuzzCorpora.methodName(target))) {
                    continue;
                }
                for (Map.Entry<String, byte[]> seed : FuzzCorpora.seeds(target).entrySet()) {
                    byte[] bytes = multiplexed ? FuzzCorpora.multiplexed(target, seed.getValue()) : seed.getValue();
                    Files.write(corpus.resolve("seed-" + target.directory() + "-" + seed.getKey()), bytes);
                }
            }
        }
    }

    @AfterAll
    static void printRuns() {
        System.out.println("Fuzzed inputs per target: " + RUNS);
    }

    private static void run(FuzzTarget target, byte[] input) {
        RUNS.get(target).increment();
        target.run(input);
    }

    @FuzzTest(maxDuration = "50s")
    @Timeout(10)
    void all(byte[] input) {
        if (input.length > 0) {
            RUNS.get(FuzzTarget.of(input[0])).increment();
            FuzzTarget.dispatch(input);
        }
    }

    @FuzzTest(maxDuration = "5m")
    @Timeout(10)
    void envelope(byte[] input) {
        run(FuzzTarget.ENVELOPE, input);
    }

    @FuzzTest(maxDuration = "5m")
    @Timeout(10)
    void createAnswer(byte[] input) {
        run(FuzzTarget.CREATE_ANSWER, input);
    }

    @FuzzTest(maxDuration = "5m")
    @Timeout(10)
    void describeAnswer(byte[] input) {
        run(FuzzTarget.DESCRIBE_ANSWER, input);
    }

    @FuzzTest(maxDuration = "5m")
    @Timeout(10)
    void boundedBody(byte[] input) {
        run(FuzzTarget.BOUNDED_BODY, input);
    }

    @FuzzTest(maxDuration = "5m")
    @Timeout(10)
    void assumeRoleAnswer(byte[] input) {
        run(FuzzTarget.ASSUME_ROLE_ANSWER, input);
    }

    @FuzzTest(maxDuration = "5m")
    @Timeout(10)
    void instanceRoleAnswer(byte[] input) {
        run(FuzzTarget.INSTANCE_ROLE_ANSWER, input);
    }

    @FuzzTest(maxDuration = "5m")
    @Timeout(10)
    void flatParameters(byte[] input) {
        run(FuzzTarget.FLAT_PARAMETERS, input);
    }

    @FuzzTest(maxDuration = "5m")
    @Timeout(10)
    void jsonBody(byte[] input) {
        run(FuzzTarget.JSON_BODY, input);
    }

    @FuzzTest(maxDuration = "5m")
    @Timeout(10)
    void request(byte[] input) {
        run(FuzzTarget.REQUEST, input);
    }
}
