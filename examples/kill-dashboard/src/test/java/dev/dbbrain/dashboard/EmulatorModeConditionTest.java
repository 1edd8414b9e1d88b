package dev.dbbrain.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.spring.DbbrainAutoConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Import;
import org.springframework.mock.env.MockEnvironment;

/** When the dashboard starts the emulator, and that the client then talks to it; nothing is sent anywhere. */
class EmulatorModeConditionTest {

    private final ApplicationContextRunner app = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DbbrainAutoConfiguration.class))
            .withUserConfiguration(Dashboard.class);

    @Test
    void credentialsInPropertiesMeanTencentCloud() {
        app.withPropertyValues("dbbrain.credentials.secret-id=AKIDexample", "dbbrain.credentials.secret-key=key")
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(EmulatorConfiguration.EmbeddedEmulator.class);
                    assertThat(context.getBean(DbbrainClient.class).toString())
                            .contains("endpoint=" + DbbrainClient.DEFAULT_ENDPOINT);
                });
    }

    @Test
    void enabledEmulatorWinsOverCredentialsAndTheClientTalksToIt() {
        app.withPropertyValues("dbbrain.credentials.secret-id=AKIDexample", "dbbrain.credentials.secret-key=key",
                        "dashboard.emulator.enabled=true")
                .run(context -> {
                    EmulatorConfiguration.EmbeddedEmulator emulator =
                            context.getBean(EmulatorConfiguration.EmbeddedEmulator.class);
                    assertThat(emulator.emulator().endpoint()).startsWith("http://127.0.0.1:");
                    assertThat(context.getBean(DbbrainClient.class).toString())
                            .contains("endpoint=" + emulator.emulator().endpoint());
                    assertThat(emulator.toString()).doesNotContain(emulator.credentials().secretKey());
                });
    }

    @Test
    void disabledEmulatorIsNeverStarted() {
        app.withPropertyValues("dashboard.emulator.enabled=false")
                .run(context -> assertThat(context).hasNotFailed()
                        .doesNotHaveBean(EmulatorConfiguration.EmbeddedEmulator.class));
    }

    @Test
    void credentialsAreFoundWhereTheDefaultChainLooks(@TempDir Path home) throws IOException {
        Path profile = home.resolve("credentials");
        List<Path> profiles = List.of(profile);

        assertThat(EmulatorModeCondition.configuredCredentials(new MockEnvironment(), profiles)).isEmpty();
        assertThat(EmulatorModeCondition.configuredCredentials(
                new MockEnvironment().withProperty("TENCENTCLOUD_SECRET_ID", "AKIDexample"), profiles))
                .containsExactly("TENCENTCLOUD_SECRET_ID");
        assertThat(EmulatorModeCondition.configuredCredentials(
                new MockEnvironment().withProperty("TENCENTCLOUD_CREDENTIALS_FILE", "/srv/credentials"), profiles))
                .containsExactly("TENCENTCLOUD_CREDENTIALS_FILE");
        assertThat(EmulatorModeCondition.configuredCredentials(
                new MockEnvironment().withProperty("dbbrain.credentials.secret-id", " "), profiles))
                .as("blank is not configured").isEmpty();
        Files.writeString(profile, "[default]\nsecret_id = AKIDexample\nsecret_key = key\n");
        assertThat(EmulatorModeCondition.configuredCredentials(new MockEnvironment(), profiles))
                .containsExactly(profile.toString());
    }

    @Test
    void aBadDashboardSettingStopsStartupNamingIt() {
        app.withPropertyValues("dashboard.emulator.enabled=true", "dashboard.heartbeat=0s")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("dashboard.heartbeat must be positive"));
        app.withPropertyValues("dashboard.emulator.enabled=true", "dashboard.emulator.proxies=0")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessage("dashboard.emulator.proxies must be at least 1, got 0"));
    }

    /** Not a {@code @Configuration}: the application's component scan would pick it up in the other tests. */
    @EnableConfigurationProperties(DashboardProperties.class)
    @Import(EmulatorConfiguration.class)
    static class Dashboard {
    }
}
