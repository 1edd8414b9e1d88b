package dev.dbbrain.reactive.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Allows one Netty-internal lock that BlockHound reports as blocking: when Netty 4.2's
 * {@code AdaptivePoolingAllocator} grows its magazine array it frees the old magazines under a short
 * {@code StampedLock} write lock, which may park an event loop for the time another thread holds it during an
 * allocation. It is synchronization inside Netty, not I/O or sleeping, and not something this library can avoid;
 * other Netty users allow it too (line/armeria#6344). Nothing else is allowed: every other blocking call on a
 * Reactor or Netty thread still fails the test. Loaded by {@code BlockHound.install()} through
 * {@code META-INF/services}.
 */
public final class NettyAllocatorBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
    }
}
