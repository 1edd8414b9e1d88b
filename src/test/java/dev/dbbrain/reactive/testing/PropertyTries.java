package dev.dbbrain.reactive.testing;

import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Property tests on plain JUnit 5: a property is checked on a number of tries, each a {@link DynamicTest} of a
 * {@code @TestFactory} with generated values drawn from a seed of its own. A failing try names that seed, and
 * {@code -Dproperty.seed=<seed>} replays exactly that try, alone:
 * <pre>{@code
 * ./mvnw -o test -Dtest='ResponseDecoderPropertiesTest#randomBytesEndInATypedErrorNamingTheAction' \
 *     -Dproperty.seed=-4982736152377261
 * }</pre>
 * Without that property, every run draws new seeds (from the time), so runs together explore more inputs than one.
 * Nothing is shrunk: the seed reproduces the failing input, and the assertion messages show it.
 */
public final class PropertyTries {

    /** The system property that replays one try. */
    public static final String SEED_PROPERTY = "property.seed";

    private PropertyTries() {
    }

    /** {@code tries} tries of {@code property}, or the one try of the seed given with {@value #SEED_PROPERTY}. */
    public static Stream<DynamicTest> of(int tries, Consumer<Gen> property) {
        String replay = System.getProperty(SEED_PROPERTY);
        LongStream seeds = replay != null && !replay.isBlank()
                ? LongStream.of(Long.parseLong(replay.trim()))
                : new SplittableRandom(System.nanoTime() ^ System.currentTimeMillis()).longs(tries);
        int[] count = {0};
        return seeds.mapToObj(seed -> {
            int number = ++count[0];
            return DynamicTest.dynamicTest("try " + number + ", seed " + seed, () -> check(property, seed));
        });
    }

    private static void check(Consumer<Gen> property, long seed) {
        try {
            property.accept(new Gen(seed));
        } catch (Throwable failure) {
            throw new AssertionError("property failed with seed " + seed + " (replay it with -D" + SEED_PROPERTY + "="
                    + seed + "): " + failure, failure);
        }
    }
}
