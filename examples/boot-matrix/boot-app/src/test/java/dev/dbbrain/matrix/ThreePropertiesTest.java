package dev.dbbrain.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The auto-configured client from the Quick start's three properties (region and key pair), with the endpoint of an
 * emulator of the test's own set by {@code @DynamicPropertySource}: the README's way without the annotation.
 */
@SpringBootTest(properties = {"dbbrain.region=ap-guangzhou", "dbbrain.credentials.secret-id=AKIDmatrix",
        "dbbrain.credentials.secret-key=matrix-secret-key"})
class ThreePropertiesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    static final DbbrainEmulator EMULATOR = DbbrainEmulator.builder()
            .credentials("AKIDmatrix", "matrix-secret-key")
            .stepDuration(Duration.ofMillis(100))
            .start();

    @DynamicPropertySource
    static void dbbrain(DynamicPropertyRegistry registry) {
        registry.add("dbbrain.endpoint", EMULATOR::endpoint);
    }

    @AfterAll
    static void stopEmulator() {
        EMULATOR.stop();
    }

    @Autowired
    DbbrainClient client;

    @Test
    void theAutoConfiguredClientSignsWithTheConfiguredKeyPair() {
        assertThat(client.toString()).contains("region=ap-guangzhou", EMULATOR.endpoint());
        assertThat(client.watchOptions().pollInterval()).as("dbbrain.watch.poll-interval")
                .isEqualTo(Duration.ofMillis(100));

        TaskInfo last = client.killProxySessions("crs-matrix03").blockLast(WAIT);

        assertThat(last.status()).isEqualTo("finished");
        assertThat(EMULATOR.stats().tasks()).hasSize(1);
    }
}
