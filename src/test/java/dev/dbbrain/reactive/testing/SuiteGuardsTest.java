package dev.dbbrain.reactive.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Proves the guards every other test relies on are really switched on. */
class SuiteGuardsTest {

    @Test
    void blockHoundFailsABlockingCallOnAReactorThread() {
        int mark = BlockingCalls.mark();
        Mono<Integer> sleeping = Mono.fromCallable(() -> {
            Thread.sleep(1);
            return 1;
        }).subscribeOn(Schedulers.parallel());
        assertThatThrownBy(() -> sleeping.block(Duration.ofSeconds(5)))
                .hasCauseInstanceOf(BlockingOperationError.class);
        expectedBlockingCall(mark, "sleep");
    }

    @Test
    void aBlockingCallWhoseErrorIsDroppedIsStillRecordedForItsTestClass() {
        // Thrown in a bare scheduled task, the error reaches no subscriber: only Schedulers' error handler sees it.
        // NoBlockingCallsExtension fails the class from the record.
        int mark = BlockingCalls.mark();
        Schedulers.parallel().schedule(() -> {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (BlockingCalls.since(mark).isEmpty() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
        expectedBlockingCall(mark, "sleep");
    }

    /** Checks that the blocking call a test provoked on purpose was recorded, then forgets it. */
    private static void expectedBlockingCall(int mark, String method) {
        assertThat(BlockingCalls.since(mark)).anySatisfy(call -> assertThat(call).contains(method)
                .contains("parallel-"));
        BlockingCalls.forgetSince(mark);
    }

    @Test
    void nettyLeakDetectionIsParanoidAndRecorded() {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        assertThat(ResourceLeakDetectorFactory.instance().newResourceLeakDetector(Object.class))
                .isInstanceOf(RecordingLeakDetector.class);
    }

    @Test
    void blockHoundStillFailsAStampedLockParkOutsideNettysAllocator() {
        java.util.concurrent.locks.StampedLock lock = new java.util.concurrent.locks.StampedLock();
        long held = lock.writeLock();
        int mark = BlockingCalls.mark();
        try {
            Mono<Long> contended = Mono.fromCallable(lock::writeLock).subscribeOn(Schedulers.parallel());
            assertThatThrownBy(() -> contended.block(Duration.ofSeconds(5)))
                    .hasCauseInstanceOf(BlockingOperationError.class);
        } finally {
            lock.unlockWrite(held);
        }
        expectedBlockingCall(mark, "park");
    }

    @Test
    void aPriorityBlockingQueueHeldByAnotherThreadDoesNotFailAReactorThreadThatOnlyPeeks() throws Exception {
        // A VirtualTimeScheduler's timers live in a PriorityBlockingQueue shared with Netty threads: a peek that finds
        // its lock held parks for a moment. The lock is held here for sure: by a thread inside offer(), whose
        // comparison waits for the test.
        java.util.concurrent.PriorityBlockingQueue<Held> queue = new java.util.concurrent.PriorityBlockingQueue<>();
        queue.add(new Held(null, null));
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread holder = new Thread(() -> queue.offer(new Held(inside, release)), "queue-lock-holder");
        holder.start();
        try {
            assertThat(inside.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            java.util.concurrent.CompletableFuture<Object> peeked = Mono.fromCallable(() -> (Object) queue.peek())
                    .subscribeOn(Schedulers.parallel()).toFuture();
            // The peek has had time to find the lock held and park.
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            assertThat(peeked).isNotDone();
            release.countDown();
            assertThat(peeked.get(5, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
        } finally {
            release.countDown();
            holder.join(5_000);
        }
    }

    @Test
    void aTimerCancelledOnAReactorThreadWhileItsQueueIsLockedWaitsInsteadOfWedgingTheQueue() throws Exception {
        // A thrown park would leave its node in the queue lock's wait queue, and the executor's worker would wait for
        // that lock for ever (QueueLockBlockHoundIntegration). The lock is held here for sure: by a thread draining
        // the queue into a collection whose add() waits for the test; the worker is held back so that the due task
        // stays in the queue to be drained.
        java.util.concurrent.CountDownLatch startWorker = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ScheduledThreadPoolExecutor executor = new java.util.concurrent.ScheduledThreadPoolExecutor(
                1, task -> new Thread(() -> {
                    try {
                        startWorker.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    task.run();
                }, "held-timer-worker"));
        executor.setRemoveOnCancelPolicy(true);
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try {
            executor.schedule(() -> { }, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
            java.util.concurrent.ScheduledFuture<?> timer = executor.schedule(() -> { }, 1,
                    java.util.concurrent.TimeUnit.HOURS);
            Thread holder = new Thread(() -> executor.getQueue().drainTo(new java.util.ArrayList<Runnable>() {
                @Override
                public boolean add(Runnable r) {
                    inside.countDown();
                    try {
                        release.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return super.add(r);
                }
            }), "timer-queue-lock-holder");
            holder.start();
            assertThat(inside.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            java.util.concurrent.CompletableFuture<Boolean> cancelled = Mono.fromCallable(() -> timer.cancel(false))
                    .subscribeOn(Schedulers.parallel()).toFuture();
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            assertThat(cancelled).isNotDone();
            release.countDown();
            assertThat(cancelled.get(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            holder.join(5_000);
            // The queue's lock still works for a thread that has to wait for it.
            assertThat(executor.getQueue()).isEmpty();
        } finally {
            release.countDown();
            startWorker.countDown();
            executor.shutdownNow();
        }
    }

    @Test
    void blockHoundStillFailsAReentrantLockParkOutsideAPriorityBlockingQueue() {
        java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        lock.lock();
        int mark = BlockingCalls.mark();
        try {
            Mono<Boolean> contended = Mono.fromCallable(() -> {
                lock.lock();
                lock.unlock();
                return true;
            }).subscribeOn(Schedulers.parallel());
            assertThatThrownBy(() -> contended.block(Duration.ofSeconds(5)))
                    .hasCauseInstanceOf(BlockingOperationError.class);
        } finally {
            lock.unlock();
        }
        expectedBlockingCall(mark, "park");
    }

    @Test
    void aReactorThreadLoggingWhileTheJdkLoggingSetsUpItsHandlersWaitsAndIsNotReported() throws Exception {
        // Reading the configuration again re-arms the lazy set-up of the root handlers (Spring Boot does it); the set-up
        // is then held here for sure by a thread whose handler's constructor waits for the test.
        java.util.logging.LogManager manager = java.util.logging.LogManager.getLogManager();
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(SuiteGuardsTest.class.getName());
        SlowHandler.inside = new java.util.concurrent.CountDownLatch(1);
        SlowHandler.release = new java.util.concurrent.CountDownLatch(1);
        String config = "handlers=" + SlowHandler.class.getName() + "\n.level=INFO\n";
        int mark = BlockingCalls.mark();
        Thread holder = new Thread(() -> logger.info("first"), "logging-set-up-holder");
        try {
            manager.readConfiguration(new java.io.ByteArrayInputStream(config.getBytes(
                    java.nio.charset.StandardCharsets.UTF_8)));
            holder.start();
            assertThat(SlowHandler.inside.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            java.util.concurrent.CompletableFuture<Object> logged = Mono.fromRunnable(() -> logger.info("second"))
                    .subscribeOn(Schedulers.parallel()).toFuture();
            // The second log has had time to find the lock held and park.
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            assertThat(logged).isNotDone();
            SlowHandler.release.countDown();
            logged.get(5, java.util.concurrent.TimeUnit.SECONDS);
            holder.join(5_000);
            assertThat(BlockingCalls.since(mark)).isEmpty();
        } finally {
            SlowHandler.release.countDown();
            holder.join(5_000);
            manager.readConfiguration();
        }
    }

    /** A root handler whose making waits for the test, holding the JDK logging's configuration lock. */
    public static final class SlowHandler extends java.util.logging.Handler {
        static volatile java.util.concurrent.CountDownLatch inside;
        static volatile java.util.concurrent.CountDownLatch release;

        /** Made by the JDK logging, by name, on the thread that logs first. */
        public SlowHandler() {
            inside.countDown();
            try {
                release.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void publish(java.util.logging.LogRecord record) {
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /** An element whose comparison, for the one made with {@code inside} set, holds the queue's lock until released. */
    private record Held(java.util.concurrent.CountDownLatch inside, java.util.concurrent.CountDownLatch release)
            implements Comparable<Held> {
        @Override
        public int compareTo(Held other) {
            if (inside != null) {
                inside.countDown();
                try {
                    release.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return 0;
        }
    }
}
