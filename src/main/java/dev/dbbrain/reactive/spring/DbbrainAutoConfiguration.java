package dev.dbbrain.reactive.spring;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.micrometer.DbbrainMicrometer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * Auto-configures a {@link DbbrainClient} from the {@code dbbrain.*} properties ({@link DbbrainProperties}).
 *
 * <p>The client backs off when the application defines its own {@code DbbrainClient} bean. Otherwise the builder
 * gets the properties, then every {@link DbbrainClientCustomizer} in order, and the client is closed with the
 * context (its own connection pool released, without blocking).
 *
 * <p>With Micrometer on the classpath and a {@code MeterRegistry} bean, a customizer ordered first gives the client
 * the meters of {@link DbbrainMicrometer}; with an {@code ObservationRegistry} bean too (Spring Boot's actuator),
 * requests are observed through it, so the request timer and spans come from Boot's handlers.
 * {@code dbbrain.metrics.enabled=false} turns this off.
 *
 * <p>Every {@code dbbrain.*} property takes effect when it arrives only at run time (an environment variable of a
 * container), also in an application that Spring processed ahead of time: the only conditions here are on classes
 * (optional libraries) and on the application's own client bean, never on a property's value, because Spring AOT
 * evaluates conditions once, at build time. The beans read the bound properties when the client is built.
 *
 * <p>With Spring Boot's actuator on the classpath, a {@code SanitizingFunction} masks the secret key, the session
 * token and the Redis URI's password in {@code /actuator/configprops} and {@code /actuator/env}, even when they are
 * set to show values.
 */
@AutoConfiguration
@ConditionalOnClass(DbbrainClient.class)
@EnableConfigurationProperties(DbbrainProperties.class)
public class DbbrainAutoConfiguration {

    /**
     * Creates the auto-configuration; Spring calls it.
     */
    public DbbrainAutoConfiguration() {
    }

    /**
     * The client: the properties, then the customizers, in order.
     *
     * @param properties the bound {@code dbbrain.*} properties
     * @param customizers the customizers, applied in order
     * @return the client, closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public DbbrainClient dbbrainClient(DbbrainProperties properties,
            ObjectProvider<DbbrainClientCustomizer> customizers) {
        DbbrainClient.Builder builder = DbbrainClient.builder();
        properties.applyTo(builder);
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.build();
    }

    /**
     * The fleet-wide Redis limiter of {@code dbbrain.rate-limit.redis.*}, loaded only when Lettuce is on the
     * classpath (without it, a Redis URI stops startup with a clear message). Whether the URI is set is decided by
     * the customizer when the client is built, not by a condition: under Spring AOT conditions are evaluated at
     * build time, and a URI that arrives only at run time (an environment variable) must still be used.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.lettuce.core.RedisClient")
    static class RedisRateLimitConfiguration {

        /**
         * Sets the Redis limiter on the builder when {@code dbbrain.rate-limit.redis.uri} is set, and the sharing of
         * watches through the same Redis unless {@code dbbrain.watch.shared} is false, after the properties and
         * before the application's customizers; does nothing otherwise.
         */
        @Bean
        DbbrainClientCustomizer dbbrainRedisRateLimiter(DbbrainProperties properties) {
            return new RedisRateLimitCustomizer(properties.rateLimit(), properties.watch().shared());
        }
    }

    /**
     * Masks the secrets of the {@code dbbrain.*} properties in the actuator's endpoints, loaded only when the
     * actuator is on the classpath.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.SanitizingFunction")
    static class ActuatorConfiguration {

        /**
         * Masks the secret key, the session token and the Redis URI's password in {@code /actuator/configprops} and
         * {@code /actuator/env}, also when they show values.
         */
        @Bean
        SanitizingFunction dbbrainSanitizingFunction() {
            return new DbbrainSanitizingFunction();
        }
    }

    /**
     * Micrometer wiring, loaded only when Micrometer is on the classpath; {@code dbbrain.metrics.enabled} is read
     * when the client is built (not in a condition), so that it takes effect when it arrives only at run time.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"io.micrometer.core.instrument.MeterRegistry",
            "io.micrometer.observation.ObservationRegistry"})
    static class MicrometerConfiguration {

        /**
         * Gives the client the Micrometer listener when metrics are enabled and a meter registry exists; applied
         * before the application's customizers, which may replace it.
         */
        @Bean
        @Order(0)
        DbbrainClientCustomizer dbbrainMicrometerCustomizer(DbbrainProperties properties,
                ObjectProvider<MeterRegistry> meters, ObjectProvider<ObservationRegistry> observations) {
            return builder -> {
                MeterRegistry registry = properties.metrics().enabled() ? meters.getIfUnique() : null;
                if (registry == null) {
                    return;
                }
                ObservationRegistry observationRegistry = observations.getIfUnique();
                builder.eventListener(observationRegistry == null ? DbbrainMicrometer.metrics(registry)
                        : DbbrainMicrometer.observations(registry, observationRegistry));
            };
        }
    }
}
