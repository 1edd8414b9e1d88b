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

/**
 * When the dashboard starts the emulator (only when asked for), that the client then talks to it, and which
 * starts it refuses; nothing is sent anywhere. The home directory is a temporary one, so that a profile file on the
 * machine running the tests counts for nothing.
 */
class EmulatorModeConditionTest {

    @TempDir
    static Path home;

    private final ApplicationContextRunner app = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DbbrainAutoConfiguration.class))
            .withUserConfiguration(Dashboard.class)
            .withSystemProperties("user.home=" + home);

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
                    assertThat(emulator.endpoint()).startsWith("http://127.0.0.1:")
                            .isEqualTo(emulator.emulator().endpoint());
                    assertThat(context.getBean(DbbrainClient.class).toString())
                            .contains("endpoint=" + emulator.endpoint());
                    assertThat(emulator.toString()).doesNotContain(emulator.credentials().secretKey());
                });
    }

    @Test
    void replicasOfTheDashboardShareAnEmulatorRunningElsewhere() {
        app.withPropertyValues("dashboard.emulator.enabled=true", "dashboard.emulator.endpoint=http://127.0.0.1:18090",
                        "dashboard.emulator.secret-id=AKIDfleetdemo", "dashboard.emulator.secret-key=fleet-key")
                .run(context -> {
                    EmulatorConfiguration.EmbeddedEmulator emulator =
                            context.getBean(EmulatorConfiguration.EmbeddedEmulator.class);
                    assertThat(emulator.emulator()).isNull();
                    assertThat(context.getBean(DbbrainClient.class).toString())
                            .contains("endpoint=http://127.0.0.1:18090");
                    assertThat(emulator.toString()).doesNotContain("fleet-key");
                });
        app.withPropertyValues("dashboard.emulator.enabled=true", "dashboard.emulator.endpoint=http://127.0.0.1:18090")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("dashboard.emulator.secret-id"));
    }

    @Test
    void emptyCredentialsWithoutAnExplicitEmulatorSettingStopTheStartWithAClearMessage() {
        // The reproduction: empty keys (a deployment slip) with a production region and endpoint. The emulator used
        // to start, take over the endpoint and answer "finished"; now nothing starts.
        app.withPropertyValues("TENCENTCLOUD_SECRET_ID=", "TENCENTCLOUD_SECRET_KEY=", "dbbrain.region=ap-guangzhou",
                        "dbbrain.endpoint=https://dbbrain.tencentcloudapi.com")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context).getFailure().rootCause().hasMessageStartingWith("No Tencent Cloud credentials")
                            .hasMessageContaining("dashboard.emulator.enabled=true");
                });
        app.run(context -> assertThat(context).getFailure().rootCause()
                .hasMessageStartingWith("No Tencent Cloud credentials"));
        app.withPropertyValues("TENCENTCLOUD_SECRET_ID=AKIDexample", "TENCENTCLOUD_SECRET_KEY= ")
                .run(context -> assertThat(context).as("an id without its key is no credentials").hasFailed());
    }

    @Test
    void theEmulatorNeverStandsInForAConfiguredEndpointOrRegion() {
        app.withPropertyValues("dashboard.emulator.enabled=true", "dbbrain.region=ap-guangzhou")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("dbbrain.region are both set")
                        .hasMessageContaining("would silently stand in"));
        app.withPropertyValues("dashboard.emulator.enabled=true", "dbbrain.endpoint=https://dbbrain.example")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("dbbrain.endpoint are both set"));
    }

    @Test
    void theBackendIsNamedForEveryAnswer() {
        app.withPropertyValues("dashboard.emulator.enabled=true")
                .run(context -> assertThat(context.getBean(BackendGuard.class).backend()).isEqualTo("emulator"));
        app.withPropertyValues("dbbrain.credentials.secret-id=AKIDexample", "dbbrain.credentials.secret-key=key")
                .run(context -> assertThat(context.getBean(BackendGuard.class).backend()).isEqualTo("tencent-cloud"));
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
                new MockEnvironment().withProperty("TENCENTCLOUD_SECRET_ID", "AKIDexample")
                        .withProperty("TENCENTCLOUD_SECRET_KEY", "key"), profiles))
                .containsExactly("TENCENTCLOUD_SECRET_ID");
        assertThat(EmulatorModeCondition.configuredCredentials(
                new MockEnvironment().withProperty("TENCENTCLOUD_SECRET_ID", "AKIDexample"), profiles))
                .as("an id without its key").isEmpty();
        assertThat(EmulatorModeCondition.configuredCredentials(
                new MockEnvironment().withProperty("TENCENTCLOUD_CREDENTIALS_FILE", "/srv/credentials"), profiles))
                .containsExactly("TENCENTCLOUD_CREDENTIALS_FILE");
        assertThat(EmulatorModeCondition.configuredCredentials(
                new MockEnvironment().withProperty("dbbrain.credentials.secret-id", " ")
                        .withProperty("dbbrain.credentials.secret-key", "key"), profiles))
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
    @Import({EmulatorConfiguration.class, DashboardConfiguration.class})
    static class Dashboard {
    }
}
