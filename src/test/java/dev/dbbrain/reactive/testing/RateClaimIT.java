package dev.dbbrain.reactive.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksRequest;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorStats;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.testing.SendStamps.Send;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;

/**
 * The measurement the rate tests rely on ({@link SendStamps}, {@link RateClaim}) catches a client that breaks the
 * limit: with the rate limiter switched off, the stamps see every request, read every refusal, and the claim fails on
 * the client's own sends.
 */
class RateClaimIT {

    @Test
    void aClientSendingMoreThanTheLimitInOneSecondFailsTheClaimOnItsOwnStamps() {
        SendStamps stamps = new SendStamps();
        ConnectionProvider pool = SendStamps.ownedLikePool("rate-claim");
        try (DbbrainEmulator emulator = DbbrainEmulator.builder().credentials("AKIDrateclaim", "rate-claim-key")
                .rateLimit(20).start();
                DbbrainClient client = DbbrainClient.builder().endpoint(emulator.endpoint())
                        .credentials(Credentials.of("AKIDrateclaim", "rate-claim-key")).maxRetries(0)
                        .rateLimiter(RateLimiter.unlimited()).httpClient(stamps.likeTheOwnedClient(pool)).build()) {
            Flux.range(0, 30)
                    .flatMap(i -> client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(
                            "crs-claim001", 1L)).onErrorResume(e -> Mono.empty()), 30)
                    .then()
                    .block(Duration.ofSeconds(60));
            EmulatorStats stats = emulator.stats();
            List<Send> sends = stamps.sends();
            long refusedByEmulator = stats.errors().getOrDefault("RequestLimitExceeded", 0L);

            assertThat(sends).hasSize(30).allSatisfy(s -> assertThat(s.action())
                    .isEqualTo("DescribeProxySessionKillTasks"));
            assertThat(refusedByEmulator).isPositive();
            assertThat(SendStamps.refusals(sends)).containsExactly(
                    Map.entry("DescribeProxySessionKillTasks", refusedByEmulator));
            assertThat(SendStamps.maxPerSlidingSecond(sends).get("DescribeProxySessionKillTasks"))
                    .isGreaterThan(20);
            assertThatThrownBy(() -> RateClaim.assertWithin(20, sends, stats.requests(), refusedByEmulator,
                    stats.maxRequestsInOneSecond(), false))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("client-side sends per sliding second");
        } finally {
            pool.disposeLater().block(Duration.ofSeconds(10));
        }
    }
}
