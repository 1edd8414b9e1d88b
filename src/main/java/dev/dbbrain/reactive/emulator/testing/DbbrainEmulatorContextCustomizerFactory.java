package dev.dbbrain.reactive.emulator.testing;

import java.util.List;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Finds {@link AutoConfigureDbbrainEmulator} on a test class (or an enclosing class of a nested one); registered in
 * {@code META-INF/spring.factories} of the emulator jar, which the Spring TestContext framework reads.
 */
final class DbbrainEmulatorContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        AutoConfigureDbbrainEmulator settings = TestContextAnnotationUtils.findMergedAnnotation(testClass,
                AutoConfigureDbbrainEmulator.class);
        return settings == null ? null
                : new DbbrainEmulatorContextCustomizer(settings.proxies(), settings.stepMillis(),
                        settings.strictScripting());
    }
}
