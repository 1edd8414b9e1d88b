package dev.dbbrain.reactive.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Allows the one Lettuce-internal lock that every command passes: {@code DefaultEndpoint.write} enters its
 * {@code SharedLock} through {@code incrementWriters}, a {@code ReentrantLock} held only to bump a counter (or, by a
 * thread closing or activating the connection, to drain its buffers), so a command sent while another thread sends
 * one may park for that long. It is synchronization inside Lettuce, not I/O or sleeping, and any Lettuce user sending
 * from an event loop or a Reactor thread meets it; this library's limiter does, from the thread that asks for a
 * permit.
 *
 * <p>Why it must be allowed rather than reported: BlockHound reports by throwing from the park, inside
 * {@code incrementWriters}, before the counter is incremented, and {@code write}'s {@code finally} then decrements
 * it. The endpoint's count of writers in flight is left at -1 for good: every later command on that connection spins
 * in {@code incrementWriters}, and every close spins in {@code lockWritersExclusive}, for ever (redis/lettuce#3880).
 * That is how {@code RedisLayoutTransitionIT} hung the suite: a test failure turned into a hang. Nothing else of
 * Lettuce's is allowed. Loaded by {@code BlockHound.install()} through {@code META-INF/services}.
 */
public final class LettuceSharedLockBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters");
    }
}
