package dev.dbbrain.reactive.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.internal.TimeSource;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class CommandDeadlinesTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final CommandDeadlines deadlines = new CommandDeadlines(TimeSource.of(time), SECOND);

    @AfterEach
    void tearDown() {
        time.dispose();
    }

    @Test
    void aCommandWithoutAnswerFailsWithinItsBoundPlusOneSweepAndIsCancelled() {
        AtomicBoolean cancelled = new AtomicBoolean();
        StepVerifier.withVirtualTime(() -> deadlines.within(Mono.never().doOnCancel(() -> cancelled.set(true)), SECOND),
                        () -> time, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(126))
                .expectError(TimeoutException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(cancelled).isTrue();
        assertThat(deadlines.inFlight()).isZero();
    }

    @Test
    void anAnswerInTimeIsPassedOnAndTheSweepsStopWhenNothingIsInFlight() {
        StepVerifier.withVirtualTime(() -> deadlines.within(Mono.delay(Duration.ofMillis(300), time), SECOND),
                        () -> time, Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofMillis(300))
                .expectNext(0L)
                .verifyComplete();
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(deadlines.inFlight()).isZero();
        // No sweep is scheduled again once nothing is in flight.
        long scheduled = time.getScheduledTaskCount();
        time.advanceTimeBy(Duration.ofSeconds(10));
        assertThat(time.getScheduledTaskCount()).isEqualTo(scheduled);
    }

    @Test
    void aCancelledCallerCancelsTheCommandAndAnErrorPassesThroughUnchanged() {
        AtomicBoolean cancelled = new AtomicBoolean();
        deadlines.within(Mono.never().doOnCancel(() -> cancelled.set(true)), SECOND).subscribe().dispose();
        assertThat(cancelled).isTrue();
        assertThat(deadlines.inFlight()).isZero();
        IllegalStateException failure = new IllegalStateException("NOSCRIPT and then some");
        StepVerifier.create(deadlines.within(Mono.error(failure), SECOND)).expectErrorMatches(e -> e == failure)
                .verify(Duration.ofSeconds(5));
    }
}
