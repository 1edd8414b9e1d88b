package dev.dbbrain.dashboard;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.spring.DbbrainClientCustomizer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Runs the library's DBbrain emulator inside the application and points the auto-configured client at it, when
 * {@link EmulatorModeCondition} says so. The emulator accepts one key pair made up at startup, so nothing but this
 * application's client can use it; it listens on an ephemeral loopback port and stops with the context.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmulatorModeCondition.class)
class EmulatorConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmulatorConfiguration.class);

    @Bean(destroyMethod = "stop")
    EmbeddedEmulator embeddedEmulator(DashboardProperties properties, ObjectProvider<EmulatorClock> clock) {
        DashboardProperties.Emulator settings = properties.emulator();
        if (settings.endpoint() != null) {
            // Replicas of the dashboard sharing one emulator (run.sh --fleet): its tasks are the same for all.
            log.warn("DEMO: the dashboard runs against the DBbrain emulator at {} (dashboard.emulator.endpoint): "
                    + "nothing real is killed. Every answer says so in its X-Dashboard-Backend header, and the page "
                    + "in its title bar", settings.endpoint());
            return new EmbeddedEmulator(null, settings.endpoint(),
                    Credentials.of(settings.secretId(), settings.secretKey()));
        }
        Credentials credentials = madeUpCredentials();
        // start() waits for the bind: this runs on the thread refreshing the context, never an event loop.
        DbbrainEmulator emulator = DbbrainEmulator.builder()
                .clock(clock.getIfAvailable(() -> new EmulatorClock(Clock.systemUTC())).clock())
                .credentials(credentials.secretId(), credentials.secretKey())
                .stepDuration(settings.stepDuration())
                .proxies(settings.proxies())
                .proxyFailureProbability(settings.proxyFailureProbability())
                .start();
        log.warn("DEMO: the dashboard runs against the embedded DBbrain emulator at {} "
                + "(dashboard.emulator.enabled=true): nothing real is killed. Every answer says so in its "
                + "X-Dashboard-Backend header, and the page in its title bar", emulator.endpoint());
        return new EmbeddedEmulator(emulator, emulator.endpoint(), credentials);
    }

    /** Applied after the {@code dbbrain.*} properties, so the emulator wins over any endpoint or key set there. */
    @Bean
    DbbrainClientCustomizer emulatorEndpoint(EmbeddedEmulator embedded) {
        return builder -> builder.endpoint(embedded.endpoint()).credentials(embedded.credentials());
    }

    private static Credentials madeUpCredentials() {
        SecureRandom random = new SecureRandom();
        byte[] id = new byte[8];
        byte[] key = new byte[16];
        random.nextBytes(id);
        random.nextBytes(key);
        return Credentials.of("AKIDdashboard" + HexFormat.of().formatHex(id), HexFormat.of().formatHex(key));
    }

    /**
     * The clock the embedded emulator runs on (its tasks' progress, timestamps and rate windows), when a bean of
     * this type exists; otherwise the system's. Tests supply one they move by hand, so that a task stays in each
     * state until they have seen it, however loaded the machine.
     *
     * @param clock the clock
     */
    record EmulatorClock(Clock clock) {
    }

    /**
     * The running emulator and the only key pair it accepts.
     *
     * @param emulator the emulator this application started, or {@code null} for one running elsewhere
     * @param endpoint where it listens
     * @param credentials its key pair
     */
    record EmbeddedEmulator(DbbrainEmulator emulator, String endpoint, Credentials credentials) {

        void stop() {
            if (emulator != null) {
                emulator.stop();
            }
        }

        @Override
        public String toString() {
            return "EmbeddedEmulator[" + endpoint + "]";
        }
    }
}
