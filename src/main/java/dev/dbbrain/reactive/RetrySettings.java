package dev.dbbrain.reactive;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;

/**
 * How a failed call is retried: exponential backoff with jitter, on the client's scheduler, and only when it is safe.
 *
 * <p>Safe means: DescribeProxySessionKillTasks is read-only, so any {@linkplain DbbrainException#isRetryable()
 * retryable} failure may be retried. CreateProxySessionKillTask is not idempotent, so it is retried only when the
 * service certainly did not act on it: a {@code RequestLimitExceeded} answer, or a request that never left this
 * client. A reset after sending, a 502 from a gateway or a garbled answer leave the outcome unknown; those reach the
 * caller, because sending again could create a second task.
 */
record RetrySettings(int maxRetries, Duration firstBackoff, Duration maxBackoff, Supplier<Scheduler> scheduler) {

    /** Checks what the client's builder checks, so that the two backoffs given the wrong way round fail here. */
    RetrySettings {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative, was " + maxRetries);
        }
        Objects.requireNonNull(firstBackoff, "firstBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (firstBackoff.isNegative() || firstBackoff.isZero() || maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("backoffs must be positive with maxBackoff at least firstBackoff, were "
                    + firstBackoff + " and " + maxBackoff);
        }
        Objects.requireNonNull(scheduler, "scheduler");
    }

    static boolean mayRetry(ApiAction action, Throwable error) {
        if (!(error instanceof DbbrainException e) || !e.isRetryable()) {
            return false;
        }
        if (action == ApiAction.DESCRIBE) {
            return true;
        }
        return (e instanceof DbbrainApiException && e.category() == ErrorCategory.THROTTLED)
                || (e instanceof DbbrainTransportException t && !t.requestSent());
    }

    Retry spec(ApiAction action, Counters counters) {
        RetryBackoffSpec spec = Retry.backoff(maxRetries, firstBackoff)
                .maxBackoff(maxBackoff)
                .jitter(0.5)
                .filter(e -> mayRetry(action, e))
                .doBeforeRetry(signal -> counters.retries.increment())
                .onRetryExhaustedThrow((s, signal) -> signal.failure());
        return Retry.from(signals -> spec.scheduler(scheduler.get()).generateCompanion(signals));
    }
}
