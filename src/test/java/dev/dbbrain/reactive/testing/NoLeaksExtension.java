package dev.dbbrain.reactive.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a buffer leak while it ran. Registered for every test class through
 * JUnit's extension auto-detection; works with {@link RecordingLeakDetector} at paranoid level.
 */
public final class NoLeaksExtension implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        int before = RecordingLeakDetector.leaks().size();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            // Leak reports are emitted when the detector tracks a new buffer after the leaked one was collected.
            for (ByteBufAllocator alloc : List.of(ByteBufAllocator.DEFAULT, PooledByteBufAllocator.DEFAULT,
                    UnpooledByteBufAllocator.DEFAULT)) {
                ByteBuf heap = alloc.heapBuffer(1);
                heap.release();
                ByteBuf direct = alloc.directBuffer(1);
                direct.release();
            }
        }
        List<String> leaks = RecordingLeakDetector.leaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty buffer leak(s) reported (" + (leaks.size() - before)
                    + " found after " + context.getDisplayName() + "):\n" + String.join("\n", leaks));
        }
    }
}
