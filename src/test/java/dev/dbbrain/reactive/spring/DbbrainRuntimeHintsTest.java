package dev.dbbrain.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainClient;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;

/**
 * The hints an application processed ahead of time (and a native image of it) needs from this library: registered
 * through {@code META-INF/spring/aot.factories}, covering the binding of every {@code dbbrain.*} record and the
 * version resource.
 */
class DbbrainRuntimeHintsTest {

    private static final List<Class<?>> PROPERTY_RECORDS = List.of(DbbrainProperties.class,
            DbbrainProperties.CredentialsProperties.class, DbbrainProperties.RetryBackoff.class,
            DbbrainProperties.RateLimit.class, DbbrainProperties.Redis.class, DbbrainProperties.Watch.class,
            DbbrainProperties.Metrics.class);

    private final RuntimeHints hints = new RuntimeHints();

    DbbrainRuntimeHintsTest() {
        new DbbrainRuntimeHints().registerHints(hints, getClass().getClassLoader());
    }

    @Test
    void theRegistrarIsFoundThroughAotFactories() {
        assertThat(AotServices.factories().load(RuntimeHintsRegistrar.class))
                .anyMatch(DbbrainRuntimeHints.class::isInstance);
    }

    @Test
    void theVersionResourceIsIncludedAndIsWhereTheClientReadsIt() {
        assertThat(RuntimeHintsPredicates.resource().forResource(DbbrainRuntimeHints.VERSION_RESOURCE))
                .accepts(hints);
        assertThat(DbbrainClient.class.getClassLoader().getResource(DbbrainRuntimeHints.VERSION_RESOURCE))
                .isNotNull();
    }

    @Test
    void everyPropertiesRecordCanBeConstructedByTheBinder() throws NoSuchMethodException {
        for (Class<?> record : PROPERTY_RECORDS) {
            var canonical = record.getDeclaredConstructor(java.util.Arrays.stream(record.getRecordComponents())
                    .map(java.lang.reflect.RecordComponent::getType).toArray(Class<?>[]::new));
            assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(canonical)).as(record.getName())
                    .accepts(hints);
        }
    }
}
