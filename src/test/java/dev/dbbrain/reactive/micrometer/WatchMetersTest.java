package dev.dbbrain.reactive.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainCapacityException;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.subscriber.TestSubscriber;

/**
 * Watch meters of a client whose watches request nothing, so that nothing is sent: the endpoint is a loopback port
 * nobody listens on.
 */
class WatchMetersTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    private double counter(String name) {
        return registry.get(name).counter().count();
    }

    @Test
    void aWatchRefusedByMaxWatchesIsCountedAsRejectedAndNeverAsActive() {
        try (DbbrainClient client = DbbrainClient.builder().endpoint("http://127.0.0.1:9")
                .credentials(Credentials.of("AKIDmeters", "meters-key")).rateLimiter(RateLimiter.unlimited())
                .maxWatches(1).eventListener(DbbrainMicrometer.metrics(registry)).build()) {
            assertThat(counter("dbbrain.watch.rejected")).isZero();
            TestSubscriber<TaskInfo> running = TestSubscriber.<TaskInfo>builder().initialRequest(0).build();
            client.watch("crs-meter001", 1).subscribe(running);
            assertThat(gauge("dbbrain.watch.active")).isEqualTo(1);

            for (int i = 0; i < 3; i++) {
                StepVerifier.create(client.watch("crs-meter001", 2)).expectError(DbbrainCapacityException.class)
                        .verify(Duration.ofSeconds(5));
            }

            assertThat(counter("dbbrain.watch.rejected")).isEqualTo(3);
            assertThat(gauge("dbbrain.watch.active")).isEqualTo(1);
            running.cancel();
            assertThat(gauge("dbbrain.watch.active")).isZero();
            assertThat(client.stats().requests()).isZero();
        }
    }
}
