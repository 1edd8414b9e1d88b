package dev.dbbrain.reactive.fuzz;

import dev.dbbrain.reactive.DecoderTargets;
import dev.dbbrain.reactive.auth.CredentialAnswerTargets;
import dev.dbbrain.reactive.emulator.RequestParserTargets;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Every fuzz target, with the bound on what one input may cost: the parsers of what a server answers this client
 * (the envelope, the two actions, the body collector, the two credential answers) and of what a client sends the
 * emulator (flat parameters, JSON bodies, whole TC3 and v1 requests).
 *
 * <p>A target throws only on a finding: an exception its contract does not allow, a failed check of its result, or,
 * checked here, more memory allocated than the input's size allows. Seeds live in {@code src/test/resources/fuzz/}
 * under {@link #directory()}; {@link FuzzCorporaTest} replays them in every build, {@link DecodersFuzz} fuzzes.
 */
public enum FuzzTarget {

    ENVELOPE("envelope", DecoderTargets::envelope),
    CREATE_ANSWER("create-answer", DecoderTargets::createAnswer),
    DESCRIBE_ANSWER("describe-answer", DecoderTargets::describeAnswer),
    BOUNDED_BODY("bounded-body", DecoderTargets::boundedBody),
    ASSUME_ROLE_ANSWER("assume-role-answer", CredentialAnswerTargets::assumeRoleAnswer),
    INSTANCE_ROLE_ANSWER("instance-role-answer", CredentialAnswerTargets::instanceRoleAnswer),
    FLAT_PARAMETERS("flat-parameters", RequestParserTargets::flatParameters),
    JSON_BODY("json-body", RequestParserTargets::jsonBody),
    REQUEST("request", RequestParserTargets::request);

    /**
     * What one input may allocate on the target's thread, garbage included: a fixed part (parsers, buffers, the
     * checks' own objects) and a multiple of the input's size; measured, the seeds take 2 to 35 KiB. The body
     * collector's limit (up to 4096 bytes) is part of its input: it may allocate a few times that limit.
     */
    static final long FIXED_ALLOCATION = 128 * 1024;
    static final long ALLOCATION_PER_INPUT_BYTE = 16;
    /**
     * How much more a run may allocate while Jazzer fuzzes: its comparison hooks copy every string the instrumented
     * code compares, on the target's thread (a 1.7 KB metadata answer of many unknown fields: 16 KB without, 2.6 MB
     * with). Under Jazzer the bound only catches gross blow-ups; the inputs it keeps are replayed without it, under
     * the bound above ({@code -Dfuzz.generated}, the fuzz profile's second run).
     */
    static final int UNDER_JAZZER = System.getenv("JAZZER_FUZZ") != null ? 64 : 1;
    private static final long BOUNDED_BODY_LIMIT = 4096;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();

    private final String directory;
    private final Consumer<byte[]> target;
    FuzzTarget(String directory, Consumer<byte[]> target) {
        this.directory = directory;
        this.target = target;
    }

    /** The target's directory of seeds under {@code fuzz/}. */
    public String directory() {
        return directory;
    }

    /**
     * Runs the target on one input and checks what it allocated. A run that loaded classes (a path taken for the
     * first time in this JVM: loading, and under Jazzer instrumenting, costs megabytes) is run again, and the second
     * run is measured: the targets are deterministic.
     */
    public void run(byte[] input) {
        long classes = CLASSES.getTotalLoadedClassCount();
        long allocated = allocation(input);
        if (CLASSES.getTotalLoadedClassCount() != classes) {
            allocated = allocation(input);
        }
        long allowed = UNDER_JAZZER * (FIXED_ALLOCATION + ALLOCATION_PER_INPUT_BYTE
                * (this == BOUNDED_BODY ? Math.max(input.length, BOUNDED_BODY_LIMIT) : input.length));
        if (allocated > allowed) {
            throw new AssertionError(this + " allocated " + allocated + " bytes for an input of " + input.length
                    + " bytes, more than the " + allowed + " allowed");
        }
    }

    private long allocation(byte[] input) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        target.accept(input);
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    /**
     * Runs the target that the first byte of a multiplexed input names (its ordinal, modulo the number of targets)
     * on the rest: the form of {@link DecodersFuzz#all} and of {@code fuzz/findings/}.
     */
    public static void dispatch(byte[] input) {
        if (input.length == 0) {
            return;
        }
        of(input[0]).run(Arrays.copyOfRange(input, 1, input.length));
    }

    /** The target a multiplexed input's first byte names. */
    public static FuzzTarget of(byte selector) {
        return values()[(selector & 0xFF) % values().length];
    }
}
