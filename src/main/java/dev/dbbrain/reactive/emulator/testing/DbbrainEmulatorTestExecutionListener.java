package dev.dbbrain.reactive.emulator.testing;

import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.TestExecutionListener;

/**
 * After each test method of a class with {@link AutoConfigureDbbrainEmulator}, resets the emulator's script (the
 * cached context, and with it the emulator, outlives the test) and fails the test if the emulator saw scripting
 * errors. Registered in {@code META-INF/spring.factories} of the emulator jar; does nothing for other test classes
 * and never loads a context that was not loaded.
 */
final class DbbrainEmulatorTestExecutionListener implements TestExecutionListener, Ordered {

    /** After Spring's own listeners that run after a test method (the transactional one is at 4000). */
    private static final int ORDER = 5_000;

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public void afterTestMethod(TestContext testContext) {
        if (TestContextAnnotationUtils.findMergedAnnotation(testContext.getTestClass(),
                AutoConfigureDbbrainEmulator.class) == null || !testContext.hasApplicationContext()) {
            return;
        }
        Object bean = testContext.getApplicationContext().getBean(DbbrainEmulatorContextCustomizer.BEAN);
        if (!(bean instanceof DbbrainEmulator emulator)) {
            return;
        }
        List<String> errors = emulator.scriptingErrors();
        emulator.resetScripting();
        if (!errors.isEmpty()) {
            throw new AssertionError("The DBbrain emulator's script failed during this test:\n  "
                    + String.join("\n  ", errors));
        }
    }
}
