package dev.dbbrain.reactive.spring;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;

/**
 * What an application processed by Spring AOT (and compiled to a native image) needs from this library beyond the
 * code AOT generates: the binding of the {@code dbbrain.*} records, which Spring Boot's binder constructs
 * reflectively, nested records and enums included, and the {@code version.properties} resource that
 * {@code DbbrainClient.version()} reads. Registered in {@code META-INF/spring/aot.factories}.
 *
 * <p>The auto-configuration's beans need nothing here: AOT generates the code that creates them, including the
 * package-private configurations, and registers the client's destroy method itself. Netty, Reactor Netty and
 * Lettuce ship their own native-image configuration.
 */
final class DbbrainRuntimeHints implements RuntimeHintsRegistrar {

    /** The resource of {@code DbbrainClient.version()}. */
    static final String VERSION_RESOURCE = "dev/dbbrain/reactive/version.properties";

    @Override
    public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
        hints.resources().registerPattern(VERSION_RESOURCE);
        BindableRuntimeHintsRegistrar.forTypes(DbbrainProperties.class).registerHints(hints, classLoader);
    }
}
