package dev.dbbrain.reactive.spring;

import dev.dbbrain.reactive.DbbrainClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures a {@link DbbrainClient} from the {@code dbbrain.*} properties ({@link DbbrainProperties}).
 *
 * <p>The client backs off when the application defines its own {@code DbbrainClient} bean. Otherwise the builder
 * gets the properties, then every {@link DbbrainClientCustomizer} in order, and the client is closed with the
 * context (its own connection pool released, without blocking).
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
}
