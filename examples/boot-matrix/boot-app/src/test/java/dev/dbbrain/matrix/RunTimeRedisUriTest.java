package dev.dbbrain.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.testing.AutoConfigureDbbrainEmulator;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A replica of a fleet as Kubernetes starts it: the Redis URI comes only from the environment
 * ({@code DBBRAIN_RATE_LIMIT_REDIS_URI}) and the application was processed ahead of time without it; the limiter's
 * script runs in that Redis for every request. Runs in the {@code aot-fleet} profile of the Boot projects (see
 * ../README.md), which gives the URI and runs the tests with {@code spring.aot.enabled=true}.
 */
@SpringBootTest
@AutoConfigureDbbrainEmulator
@EnabledIfSystemProperty(named = "dbbrain.matrix.fleet", matches = "true")
class RunTimeRedisUriTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    DbbrainClient client;
    @Autowired
    DbbrainEmulator emulator;

    @Test
    void aRedisUriOnlyInTheEnvironmentPutsTheBudgetInRedisUnderAot() {
        String uri = System.getenv("DBBRAIN_RATE_LIMIT_REDIS_URI");
        assertThat(uri).as("DBBRAIN_RATE_LIMIT_REDIS_URI").isNotBlank();
        assertThat(AotDetector.useGeneratedArtifacts()).as("the context comes from the AOT-generated code").isTrue();
        RedisClient redis = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            long scriptsBefore = scripts(connection);
            long requestsBefore = requests();

            List<TaskInfo> states = client.killProxySessions("crs-fleet001").collectList().block(WAIT);

            assertThat(states).last().extracting(TaskInfo::status).isEqualTo("finished");
            long requests = requests() - requestsBefore;
            long scripts = scripts(connection) - scriptsBefore;
            System.out.printf("Redis at %s ran the limiter's script %d times for the %d requests of one kill%n", uri,
                    scripts, requests);
            assertThat(requests).isPositive();
            assertThat(scripts).as("the limiter's script in Redis, once per request at least")
                    .isGreaterThanOrEqualTo(requests);
        } finally {
            redis.shutdown();
        }
    }

    private long requests() {
        return emulator.stats().requests().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Calls of EVAL and EVALSHA, from {@code INFO commandstats}. */
    private static long scripts(StatefulRedisConnection<String, String> connection) {
        long calls = 0;
        for (String line : connection.sync().info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_eval:") || line.startsWith("cmdstat_evalsha:")) {
                String stats = line.substring(line.indexOf(':') + 1);
                for (String field : stats.split(",")) {
                    if (field.startsWith("calls=")) {
                        calls += Long.parseLong(field.substring("calls=".length()));
                    }
                }
            }
        }
        return calls;
    }
}
