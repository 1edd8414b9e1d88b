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
        Mono<Integer> sleeping = Mono.fromCallable(() -> {
            Thread.sleep(1);
            return 1;
        }).subscribeOn(Schedulers.parallel());
        assertThatThrownBy(() -> sleeping.block(Duration.ofSeconds(5)))
                .hasCauseInstanceOf(BlockingOperationError.class);
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
        try {
            Mono<Long> contended = Mono.fromCallable(lock::writeLock).subscribeOn(Schedulers.parallel());
            assertThatThrownBy(() -> contended.block(Duration.ofSeconds(5)))
                    .hasCauseInstanceOf(BlockingOperationError.class);
        } finally {
            lock.unlockWrite(held);
        }
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
    void blockHoundStillFailsAReentrantLockParkOutsideAPriorityBlockingQueue() {
        java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        lock.lock();
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
