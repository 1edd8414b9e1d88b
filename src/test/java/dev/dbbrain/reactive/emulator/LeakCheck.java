package dev.dbbrain.reactive.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.testing.RecordingLeakDetector;
import io.netty.buffer.ByteBufAllocator;

/** Fails when Netty reported a leaked buffer; a best effort, as leaks are only seen once the GC found them. */
final class LeakCheck {

    private LeakCheck() {
    }

    static void assertNoLeaks() {
        System.gc();
        for (int i = 0; i < 256; i++) {
            ByteBufAllocator.DEFAULT.buffer(64).release(); // leak reports are made while tracking new buffers
        }
        assertThat(RecordingLeakDetector.leaks()).isEmpty();
    }
}
