package dev.dbbrain.reactive.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Allows the short lock of two JDK timer queues, taken by operations that never wait for an element: a Reactor or
 * Netty thread finding it held parks for a few instructions, and BlockHound reports that park by throwing from it.
 *
 * <p>Why it must be allowed rather than reported: the JDK's {@code AbstractQueuedSynchronizer} does not expect
 * {@code LockSupport.park} to throw. The thrown error leaves the parked thread's node in the lock's wait queue, and
 * every later release wakes that node instead of the threads behind it: whoever has to wait for that lock afterwards
 * waits for ever. That is how one dropped {@code BlockingOperationError} wedged a whole integration-test JVM under
 * CPU hogs (issue 22): a watch's interval timer on {@code Schedulers.parallel()} was cancelled from a Netty event loop
 * ({@code PeriodicWorkerTask.dispose}, {@code Future.cancel}, {@code DelayedWorkQueue.remove}); the park threw; the
 * parallel worker owning that queue then waited for ever to re-take its own lock, and every timer of the JVM that
 * landed on it never fired: retries, latencies and poll intervals of every later test (40 failures in 20 classes).
 * Reactor's own integration allows {@code DelayedWorkQueue.offer} and {@code take} and the disposal of its plain
 * tasks, but not that of periodic ones.
 *
 * <ul>
 *   <li>{@code ScheduledThreadPoolExecutor$DelayedWorkQueue.remove}: a scheduled timer cancelled.
 *   <li>{@code PriorityBlockingQueue}'s {@code offer}, {@code peek}, {@code poll}, {@code size}, {@code remove},
 *       {@code clear}: reactor-test's {@code VirtualTimeScheduler} keeps its timers in one, and a test sharing a
 *       virtual clock with a client and emulator on Netty threads schedules, cancels and drains from both sides.
 *       Thrown there it lost a poll's timer in {@code ClientLifecycleIT} (990 of 1,000 watches never polled).
 * </ul>
 *
 * <p>{@code take} and {@code put} of a {@code PriorityBlockingQueue} still fail, and so does every other lock
 * ({@code SuiteGuardsTest}). {@code poll} is allowed by name, so its timed overload would be too: nothing on a
 * Reactor or Netty thread of this project calls it. Loaded by {@code BlockHound.install()} through
 * {@code META-INF/services}.
 */
public final class QueueLockBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("java.util.concurrent.ScheduledThreadPoolExecutor$DelayedWorkQueue", "remove");
        for (String method : new String[] {"offer", "peek", "poll", "size", "remove", "clear"}) {
            builder.allowBlockingCallsInside("java.util.concurrent.PriorityBlockingQueue", method);
        }
    }
}
