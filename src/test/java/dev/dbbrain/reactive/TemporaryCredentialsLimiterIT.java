package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.auth.CredentialsProvider;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Temporary credentials rotate their SecretId; the default JVM-wide budget must not rotate with it. */
class TemporaryCredentialsLimiterIT {

    private static final String ACTION = "CreateProxySessionKillTask";
    private static final List<Credentials> ROTATION = List.of(
            Credentials.of("AKIDtmpOne", "tmp-key-one", "token-one"),
            Credentials.of("AKIDtmpTwo", "tmp-key-two", "token-two"),
            Credentials.of("AKIDtmpThree", "tmp-key-three", "token-three"));

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

    @Test
    void everyRotatedSecretIdOfOneProviderDrawsFromOneDefaultBucket() {
        DbbrainEmulator.Builder builder = DbbrainEmulator.builder().rateLimit(0);
        ROTATION.forEach(c -> builder.temporaryCredentials(c.secretId(), c.secretKey(), c.token().orElseThrow()));
        emulator = builder.start();
        AtomicInteger next = new AtomicInteger();
        CredentialsProvider rotating = () -> Mono.fromSupplier(
                () -> ROTATION.get(next.getAndIncrement() % ROTATION.size()));
        // No rateLimiter(...): the client takes the JVM-wide default.
        client = DbbrainClient.builder().endpoint(emulator.endpoint()).credentialsProvider(rotating).maxRetries(0)
                .build();

        List<Long> ids = Flux.range(0, 6)
                .concatMap(i -> client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-rotate01")))
                .map(CreateProxySessionKillTaskResponse::asyncRequestId)
                .collectList().block(Duration.ofSeconds(30));

        assertThat(ids).hasSize(6).doesNotHaveDuplicates();
        assertThat(next.get()).as("credentials resolved, once per call").isEqualTo(6);
        assertThat(ApiTransport.sharedLimiter(rotating).state(ACTION).granted())
                .as("permits the provider's one bucket granted across three SecretIds").isEqualTo(6);
    }
}
