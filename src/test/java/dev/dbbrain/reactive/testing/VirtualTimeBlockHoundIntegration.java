package dev.dbbrain.reactive.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Allows the lock of a {@code PriorityBlockingQueue} taken by its operations that never wait: reactor-test's
 * {@code VirtualTimeScheduler} keeps its timers in one, and a test that shares a virtual clock between itself and a
 * client or emulator running on Netty event loops schedules, cancels and drains timers from both sides at once. A
 * loop that finds the queue's {@code ReentrantLock} held for those few instructions parks, and BlockHound reports the
 * park by throwing from inside the scheduler. That is what failed {@code ClientLifecycleIT} once in 20 runs (990 of
 * 1,000 watches never polled): thrown from {@code VirtualTimeWorker.schedule} in an answer's handler, the next poll's
 * timer was lost; thrown from {@code drain}, it would leave the scheduler's work-in-progress count raised, and every
 * later timer of the test would never run. Seen in {@code WatchEngineIT}'s log as well, from
 * {@code TimedRunnable.dispose}. It is synchronization inside a test scheduler, not blocking I/O or sleeping.
 *
 * <p>Only the operations that return at once are allowed ({@code offer}, {@code peek}, {@code poll}, {@code size},
 * {@code remove}, {@code clear}); {@code take} and {@code put} still fail, and so does every other lock
 * ({@code SuiteGuardsTest}). {@code poll} is allowed by name, so its timed overload would be too: nothing on a
 * Reactor or Netty thread of this project calls it. Loaded by {@code BlockHound.install()} through
 * {@code META-INF/services}.
 */
public final class VirtualTimeBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        for (String method : new String[] {"offer", "peek", "poll", "size", "remove", "clear"}) {
            builder.allowBlockingCallsInside("java.util.concurrent.PriorityBlockingQueue", method);
        }
    }
}
