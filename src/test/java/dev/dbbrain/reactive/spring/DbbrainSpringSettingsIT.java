package dev.dbbrain.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.ClientStats;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The settings added for 1.0 reach the auto-configured client from properties: a trusted certificate for an
 * https:// endpoint (the emulator's own, written at its start), the watch cap, the attempt bound and the limiter's
 * queue cap; a bad value of each is named.
 */
class DbbrainSpringSettingsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ID = "AKIDspringTls1";
    private static final String KEY = "spring-tls-secret-key";

    @TempDir
    Path dir;
    private DbbrainEmulator emulator;
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DbbrainAutoConfiguration.class));

    @AfterEach
    void tearDown() {
        if (emulator != null) {
            emulator.stop();
        }
    }

    @Test
    void aKillOverHttpsTrustingTheCertificateFileOfTheProperties() {
        Path certificate = dir.resolve("emulator.pem");
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).stepDuration(Duration.ofMillis(100)).tls(true)
                .tlsCertificateFile(certificate).start();
        assertThat(emulator.endpoint()).startsWith("https://");
        runner.withPropertyValues("dbbrain.endpoint=" + emulator.endpoint(), "dbbrain.credentials.secret-id=" + ID,
                "dbbrain.credentials.secret-key=" + KEY, "dbbrain.watch.poll-interval=50ms",
                "dbbrain.trusted-certificates=file:" + certificate, "dbbrain.max-watches=3",
                "dbbrain.attempt-timeout=20s", "dbbrain.rate-limit.max-queued=7").run(context -> {
                    assertThat(context).hasNotFailed();
                    DbbrainClient client = context.getBean(DbbrainClient.class);
                    List<TaskInfo> states = client.killProxySessions("crs-springtl").collectList().block(WAIT);
                    assertThat(states).last().extracting(TaskInfo::taskStatus).isEqualTo(TaskStatus.FINISHED);
                    assertThat(client.stats()).extracting(ClientStats::maxWatches).isEqualTo(3);
                });
        // Without the certificate, the same endpoint is refused: the JDK's trust store does not know it.
        runner.withPropertyValues("dbbrain.endpoint=" + emulator.endpoint(), "dbbrain.credentials.secret-id=" + ID,
                "dbbrain.credentials.secret-key=" + KEY).run(context -> {
                    DbbrainClient client = context.getBean(DbbrainClient.class);
                    assertThat(client.killProxySessions("crs-springtl").then().onErrorResume(e -> {
                        assertThat(e).hasMessageContaining("PKIX");
                        return reactor.core.publisher.Mono.empty();
                    }).thenReturn("refused").block(WAIT)).isEqualTo("refused");
                });
    }

    @Test
    void badValuesOfTheNewSettingsAreNamed() throws Exception {
        Path notACertificate = Files.writeString(dir.resolve("not.pem"), "hello");
        runner.withPropertyValues("dbbrain.max-watches=0", "dbbrain.attempt-timeout=0s",
                "dbbrain.rate-limit.max-queued=0", "dbbrain.trusted-certificates=file:" + notACertificate)
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().message()
                            .contains("dbbrain.max-watches:")
                            .contains("dbbrain.attempt-timeout:")
                            .contains("dbbrain.rate-limit.max-queued:")
                            .contains("dbbrain.trusted-certificates:").contains("not.pem");
                });
    }
}
