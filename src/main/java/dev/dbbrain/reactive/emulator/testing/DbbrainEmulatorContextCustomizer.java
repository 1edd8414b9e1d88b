package dev.dbbrain.reactive.emulator.testing;

import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Starts the emulator for one application context and points the {@code dbbrain.*} properties at it. A record, so
 * that equal settings make equal cache keys: test classes with the same settings share a context and its emulator.
 *
 * @param proxies proxies per instance
 * @param stepMillis the duration of a task step, in milliseconds
 * @param strictScripting whether an unscripted request is a scripting error
 */
record DbbrainEmulatorContextCustomizer(int proxies, long stepMillis, boolean strictScripting)
        implements ContextCustomizer {

    static final String BEAN = "dbbrainEmulator";

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
        DbbrainEmulator emulator = DbbrainEmulator.builder()
                .credentials(DbbrainEmulatorExtension.SECRET_ID, DbbrainEmulatorExtension.SECRET_KEY)
                .proxies(proxies)
                .stepDuration(Duration.ofMillis(stepMillis))
                .strictScripting(strictScripting)
                .start();
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource(BEAN, Map.of(
                "dbbrain.endpoint", emulator.endpoint(),
                "dbbrain.credentials.secret-id", DbbrainEmulatorExtension.SECRET_ID,
                "dbbrain.credentials.secret-key", DbbrainEmulatorExtension.SECRET_KEY)));
        context.getBeanFactory().registerSingleton(BEAN, emulator);
        if (context.getBeanFactory() instanceof DefaultSingletonBeanRegistry registry) {
            // Registered before every other bean, so destroyed after them all: the client closes first.
            registry.registerDisposableBean(BEAN, emulator::stop);
        } else {
            context.addApplicationListener(event -> {
                if (event instanceof ContextClosedEvent) {
                    emulator.stop();
                }
            });
        }
    }
}
