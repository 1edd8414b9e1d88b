package dev.dbbrain.reactive.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Allows the JDK logging's lazy set-up of the root handlers, which the tests' logging (SLF4J to
 * {@code java.util.logging}) runs on whichever thread logs first: {@code LogManager.initializeGlobalHandlers} makes the
 * handlers under the configuration lock, and a second thread logging at that moment parks on the lock until they
 * exist. The set-up is re-armed each time the configuration is read again, as Spring Boot's {@code JavaLoggingSystem}
 * does when a Boot test starts, so the first warnings logged at once by several Netty threads after that (Lettuce's
 * reconnection watchdogs when Redis stops, in {@code FleetWatchIT}) park there: 3 blocking calls recorded in one run.
 * It is the test environment's logging, not this library's code; and reported, the park would be thrown from inside
 * the lock's queue, which the JDK does not expect and which can wedge every later logger of the JVM
 * ({@link QueueLockBlockHoundIntegration} says how). {@code SuiteGuardsTest} proves the allowance. Loaded by
 * {@code BlockHound.install()} through {@code META-INF/services}.
 */
public final class JdkLoggingBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("java.util.logging.LogManager", "initializeGlobalHandlers");
    }
}
