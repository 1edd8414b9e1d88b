package dev.dbbrain.reactive.testing;

import java.util.ArrayList;
import java.util.List;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Records every blocking call BlockHound reports, then reports it as BlockHound does (by throwing
 * {@link BlockingOperationError} from the call), so that {@link NoBlockingCallsExtension} can fail the test class in
 * which it happened even when the error itself went nowhere: thrown inside a cancellation or a timer, it is dropped
 * to {@code Hooks.onErrorDropped} and logged, and the test passes, or times out much later for a reason that no
 * longer shows (issue 22: a dropped one wedged a timer queue and failed 40 tests of 20 later classes). Loaded by
 * {@code BlockHound.install()} through {@code META-INF/services}; it sets BlockHound's only callback.
 */
public final class BlockingCalls implements BlockHoundIntegration {

    private static final List<String> RECORDED = new ArrayList<>();

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.blockingMethodCallback(method -> {
            StringBuilder where = new StringBuilder(method.toString()).append(" on ")
                    .append(Thread.currentThread().getName());
            StackTraceElement[] stack = new Throwable().getStackTrace();
            for (int i = 0, shown = 0; i < stack.length && shown < 25; i++) {
                String frame = stack[i].toString();
                if (!frame.startsWith("reactor.blockhound.")) {
                    where.append("\n    at ").append(frame);
                    shown++;
                }
            }
            synchronized (RECORDED) {
                RECORDED.add(where.toString());
            }
            throw new BlockingOperationError(method);
        });
    }

    /** How many blocking calls were reported so far: a mark for {@link #since(int)}. */
    public static int mark() {
        synchronized (RECORDED) {
            return RECORDED.size();
        }
    }

    /** The blocking calls reported since {@code mark}, each with its thread and stack. */
    public static List<String> since(int mark) {
        synchronized (RECORDED) {
            return new ArrayList<>(RECORDED.subList(Math.min(mark, RECORDED.size()), RECORDED.size()));
        }
    }

    /**
     * Forgets the blocking calls reported since {@code mark}: for a test that provokes one on purpose, once it has
     * checked it.
     */
    public static void forgetSince(int mark) {
        synchronized (RECORDED) {
            RECORDED.subList(Math.min(mark, RECORDED.size()), RECORDED.size()).clear();
        }
    }
}
