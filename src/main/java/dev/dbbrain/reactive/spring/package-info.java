/**
 * Spring Boot auto-configuration of a {@link dev.dbbrain.reactive.DbbrainClient} from {@code dbbrain.*} properties.
 *
 * <p>Active when Spring Boot is on the classpath ({@code META-INF/spring/...AutoConfiguration.imports}). The
 * client bean backs off when the application defines its own, is adjusted by every
 * {@link dev.dbbrain.reactive.spring.DbbrainClientCustomizer}, gets Micrometer meters and observations when
 * Micrometer and a {@code MeterRegistry} or {@code ObservationRegistry} bean are present, and is closed with the
 * context. With the actuator, the {@code dbbrain.*} secrets are masked in its {@code configprops} and {@code env}
 * endpoints.
 */
package dev.dbbrain.reactive.spring;
