package dev.dbbrain.reactive.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class DbbrainEmulatorBuilderTest {

    private static void refused(String argument, Consumer<DbbrainEmulator.Builder> setter) {
        assertThatIllegalArgumentException().isThrownBy(() -> setter.accept(DbbrainEmulator.builder()))
                .withMessageContaining(argument);
    }

    @Test
    void invalidArgumentsAreRefusedAtOnceNamingTheArgument() {
        refused("port", b -> b.port(-1));
        refused("port", b -> b.port(65_536));
        refused("host", b -> b.host(null));
        refused("host", b -> b.host(" "));
        refused("secretId", b -> b.credentials(null, "k"));
        refused("secretKey", b -> b.credentials("id", ""));
        refused("token", b -> b.temporaryCredentials("id", "k", null));
        refused("clock", b -> b.clock(null));
        refused("scheduler", b -> b.scheduler(null));
        refused("proxies", b -> b.proxies(0));
        refused("stepDuration", b -> b.stepDuration(Duration.ofMillis(-1)));
        refused("stepDuration", b -> b.stepDuration(null));
        refused("proxyFailureProbability", b -> b.proxyFailureProbability(1.5));
        refused("proxyFailureProbability", b -> b.proxyFailureProbability(Double.NaN));
        refused("rateLimit", b -> b.rateLimit(-1));
        refused("maxAsyncRequestIds", b -> b.maxAsyncRequestIds(-1));
        refused("latency", b -> b.latency(Duration.ofSeconds(-1)));
        refused("fault502", b -> b.fault502(-0.1));
        refused("faultReset", b -> b.faultReset(2));
        refused("faultMalformed", b -> b.faultMalformed(-1));
        refused("faultInternalError", b -> b.faultInternalError(1.01));
        refused("faultThrottle", b -> b.faultThrottle(Double.POSITIVE_INFINITY));
    }

    @Test
    void startWithoutCredentialsIsAClearIllegalStateException() {
        assertThatIllegalStateException().isThrownBy(() -> DbbrainEmulator.builder().start())
                .withMessageContaining("credentials");
    }

    @Test
    void startedEmulatorNamesItsEndpointHidesItsKeysAndStopsIdempotently() {
        DbbrainEmulator emulator = DbbrainEmulator.builder().credentials("AKIDa", "very-secret").start();
        try {
            assertThat(emulator.port()).isPositive();
            assertThat(emulator.endpoint()).isEqualTo("http://127.0.0.1:" + emulator.port());
            assertThat(emulator.toString()).contains("AKIDa").doesNotContain("very-secret");
            assertThat(emulator.stats().tasksCreated()).isZero();
        } finally {
            emulator.stop();
            emulator.close();
        }
    }

    @Test
    void credentialNeverShowsItsKeyOrToken() {
        assertThat(new Credential("AKIDa", "very-secret", "the-token").toString())
                .contains("AKIDa").doesNotContain("very-secret").doesNotContain("the-token");
    }
}
