package dev.dbbrain.reactive.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.dbbrain.reactive.emulator.RequestParserTargets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every committed fuzz input, replayed in the normal build (under BlockHound, without Jazzer): the seeds of each
 * target, the findings that became regression inputs, and the multiplexed findings of {@link DecodersFuzz#all};
 * with {@code -Dfuzz.generated=<dir>}, also the inputs a fuzzing run kept, held here to the allocation bound that
 * Jazzer's hooks blur. Each must pass its target's checks (typed exceptions only, bounded allocation) within
 * {@link #PER_INPUT}.
 */
class FuzzCorporaTest {

    /** The per-input bound: a parser that takes longer on a few kilobytes is looping. */
    private static final Duration PER_INPUT = Duration.ofSeconds(10);

    @TestFactory
    Stream<DynamicTest> everyCommittedInputPassesItsTargetsChecks() {
        List<DynamicTest> tests = new ArrayList<>();
        for (FuzzTarget target : FuzzTarget.values()) {
            for (Map.Entry<String, byte[]> seed : FuzzCorpora.seeds(target).entrySet()) {
                tests.add(DynamicTest.dynamicTest(target.directory() + "/" + seed.getKey(),
                        () -> bounded(() -> target.run(seed.getValue()))));
            }
        }
        for (Map.Entry<String, byte[]> finding : FuzzCorpora.findings().entrySet()) {
            tests.add(DynamicTest.dynamicTest(FuzzCorpora.FINDINGS + "/" + finding.getKey(),
                    () -> bounded(() -> FuzzTarget.dispatch(finding.getValue()))));
        }
        FuzzTarget generatedFor = FuzzCorpora.targetOf(System.getProperty(FuzzCorpora.GENERATED_METHOD, "all"));
        for (Map.Entry<String, byte[]> kept : FuzzCorpora.generated().entrySet()) {
            tests.add(DynamicTest.dynamicTest("generated/" + kept.getKey(), () -> bounded(() -> {
                if (generatedFor == null) {
                    FuzzTarget.dispatch(kept.getValue());
                } else {
                    generatedFor.run(kept.getValue());
                }
            })));
        }
        return tests.stream();
    }

    @Test
    void everyTargetHasSeedsAndAMethodOfItsOwn() throws NoSuchMethodException {
        for (FuzzTarget target : FuzzTarget.values()) {
            assertThat(FuzzCorpora.seeds(target)).as("seeds of %s", target).isNotEmpty();
            assertThat(DecodersFuzz.class.getDeclaredMethod(FuzzCorpora.methodName(target), byte[].class))
                    .isNotNull();
        }
    }

    /** The request seeds get past the signature (their placeholder is signed), so mutations start from there. */
    @Test
    void theRequestSeedsGetPastTheSignatureToTheActionsFields() {
        assertThat(FuzzCorpora.seeds(FuzzTarget.REQUEST)).allSatisfy((name, seed) ->
                assertThat(RequestParserTargets.outcome(seed)).as(name)
                        .isIn("CreateProxySessionKillTask", "DescribeProxySessionKillTasks", "AssumeRole"));
    }

    private static void bounded(Runnable input) {
        assertTimeoutPreemptively(PER_INPUT, input::run);
    }
}
