package dev.dbbrain.reactive.spring;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.Language;

/**
 * Adjusts the builder of the auto-configured {@link DbbrainClient} after the {@code dbbrain.*} properties are
 * applied and before the client is built. Every customizer bean is applied, in
 * {@link org.springframework.core.annotation.Order @Order} / {@link org.springframework.core.Ordered} order.
 *
 * <pre>{@code
 * @Bean
 * DbbrainClientCustomizer dbbrainScheduler() {
 *     return builder -> builder.language(Language.EN_US);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface DbbrainClientCustomizer {

    /**
     * Changes the builder in place.
     *
     * @param builder the builder, with the properties already applied
     */
    void customize(DbbrainClient.Builder builder);
}
