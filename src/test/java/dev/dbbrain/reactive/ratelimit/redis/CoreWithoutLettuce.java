package dev.dbbrain.reactive.ratelimit.redis;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import java.time.Duration;

/**
 * Run by {@code RedisRateLimiterIT} in a JVM without Lettuce: the client, its default limiter and the emulator work,
 * and asking for the Redis limiter is a clear error. Prints {@code ok} and exits 0, or throws. Blocks its main
 * thread, which is no event loop.
 */
final class CoreWithoutLettuce {

    private CoreWithoutLettuce() {
    }

    public static void main(String[] args) {
        try {
            Class.forName("io.lettuce.core.RedisClient");
            throw new AssertionError("Lettuce is on the classpath");
        } catch (ClassNotFoundException expected) {
            // as intended
        }
        DbbrainEmulator emulator = DbbrainEmulator.builder().credentials("AKIDnoLettuce1", "no-lettuce").start();
        try (DbbrainClient client = DbbrainClient.builder().endpoint(emulator.endpoint())
                .credentials(Credentials.of("AKIDnoLettuce1", "no-lettuce"))
                .rateLimiter(RateLimiter.builder().build()).build()) {
            client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-nolettu1"))
                    .block(Duration.ofSeconds(30));
        } finally {
            emulator.stop();
        }
        try {
            RedisRateLimiter.builder("redis://127.0.0.1:6379").build();
            throw new AssertionError("RedisRateLimiter built without Lettuce");
        } catch (IllegalStateException expected) {
            if (!expected.getMessage().contains("lettuce-core")) {
                throw new AssertionError("unclear message: " + expected.getMessage());
            }
        }
        System.out.println("ok");
        System.exit(0);
    }
}
