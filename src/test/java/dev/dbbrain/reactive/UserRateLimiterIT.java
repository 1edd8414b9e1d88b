package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.ratelimit.RateLimiterState;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A rate limiter the user writes is driven exactly like the built-in ones, through
 * {@link RateLimiter#acquirePermit}: its permits pace the writes, and throttling answers reach it.
 */
class UserRateLimiterIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String DESCRIBE = "DescribeProxySessionKillTasks";
    private static final Credentials CREDS = Credentials.of("AKIDuserLimiter1", "user-limiter-key");

    private DbbrainEmulator emulator;
    private DbbrainClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (emulator != null) {
            emulator.stop();
        }
    }

    /** Grants every permit at once and reports a rate of 10 per second: only acquire and state, as a user would. */
    private static class GrantEverything implements RateLimiter {
        final AtomicLong granted = new AtomicLong();
        final AtomicInteger throttled = new AtomicInteger();

        @Override
        public Mono<Void> acquire(String action) {
            return Mono.fromRunnable(granted::incrementAndGet);
        }

        @Override
        public void onThrottled(String action) {
            throttled.incrementAndGet();
        }

        @Override
        public RateLimiterState state(String action) {
            return new RateLimiterState(action, 10, 1, 0, granted.get(), throttled.get(), Duration.ZERO);
        }
    }

    @Test
    void aLimiterThatOnlyImplementsAcquireAndStateHasItsWritesPacedAtTheRateItReports() {
        GrantEverything limiter = new GrantEverything();
        emulator = DbbrainEmulator.builder().credentials(CREDS.secretId(), CREDS.secretKey()).rateLimit(0).start();
        client = DbbrainClient.builder().endpoint(emulator.endpoint()).credentials(CREDS).rateLimiter(limiter)
                .maxRetries(0).build();
        // 25 requests granted at once. Paced at 10 per second (at most 1 + 10 writes in any 1.05 s), the 23rd write
        // cannot start before 2 x 1.05 s: a lower bound that a busy machine only makes longer. Written at once, they
        // take a fraction of a second.
        long started = System.nanoTime();
        long ok = Flux.range(0, 25)
                .flatMap(i -> client.describeProxySessionKillTasks(
                        DescribeProxySessionKillTasksRequest.of("crs-userlim1", 1L)), 25)
                .count().block(WAIT);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(ok).isEqualTo(25);
        assertThat(limiter.granted.get()).isEqualTo(25);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(2100));
    }

    @Test
    void throttlingAnswersReachAUserLimiterThroughItsDefaultPermit() {
        GrantEverything limiter = new GrantEverything();
        emulator = DbbrainEmulator.builder().credentials(CREDS.secretId(), CREDS.secretKey()).faultThrottle(1.0)
                .start();
        client = DbbrainClient.builder().endpoint(emulator.endpoint()).credentials(CREDS).rateLimiter(limiter)
                .maxRetries(0).build();
        Throwable error = client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(
                "crs-userlim1", 1L)).then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(WAIT);
        assertThat(error).isInstanceOf(DbbrainApiException.class);
        assertThat(((DbbrainApiException) error).category()).isEqualTo(ErrorCategory.THROTTLED);
        assertThat(limiter.throttled.get()).isEqualTo(1);
    }
}
