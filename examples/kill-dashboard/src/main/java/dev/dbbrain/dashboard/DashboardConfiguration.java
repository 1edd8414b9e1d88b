package dev.dbbrain.dashboard;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The dashboard's guards: which backend (checked at startup), who may drive it, how many streams at once. */
@Configuration(proxyBeanMethods = false)
class DashboardConfiguration {

    @Bean
    BackendGuard backendGuard(Environment env, ObjectProvider<EmulatorConfiguration.EmbeddedEmulator> emulator) {
        return new BackendGuard(env, emulator, EmulatorModeCondition::profileFiles);
    }

    @Bean
    LocalOnlyFilter localOnlyFilter(DashboardProperties properties, BackendGuard guard) {
        return new LocalOnlyFilter(properties.allowedHosts(), guard.backend());
    }

    @Bean
    StreamLimits streamLimits(DashboardProperties properties) {
        return new StreamLimits(properties.streams());
    }
}
