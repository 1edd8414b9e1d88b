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
}
