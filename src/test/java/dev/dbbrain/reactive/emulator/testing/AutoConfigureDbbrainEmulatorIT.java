package dev.dbbrain.reactive.emulator.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorAnswer;
import dev.dbbrain.reactive.spring.DbbrainAutoConfiguration;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext.HierarchyMode;
import org.springframework.test.context.TestContextManager;
import reactor.core.publisher.Mono;

/**
 * One annotation points a Spring Boot test's auto-configured client at an emulator started for its context; the
 * application's other {@code dbbrain.*} properties still apply, the emulator's script is reset after each test
 * method (a failed script fails the test), and the emulator stops with the context.
 *
 * <p>The test classes below are driven through Spring's {@link TestContextManager} (what Spring's JUnit extension
 * does): this build runs JUnit 5.14, and Spring Framework 7's JUnit extension needs JUnit 6. The sample applications
 * under {@code examples/boot-matrix} run the annotation under Spring Boot's own test setup on each Boot line.
 */
class AutoConfigureDbbrainEmulatorIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(DbbrainAutoConfiguration.class)
    static class App {
    }

    @SpringBootTest(classes = App.class, properties = {"dbbrain.region=ap-guangzhou",
            "dbbrain.endpoint=https://never.used.example", "dbbrain.watch.poll-interval=50ms"})
    @AutoConfigureDbbrainEmulator(proxies = 2, stepMillis = 50)
    static class ApplicationTest {
        @Autowired
        DbbrainClient client;
        @Autowired
        DbbrainEmulator emulator;
        @Autowired
        Environment environment;
    }

    /** The same settings: the same cached context, so the same emulator. */
    @SpringBootTest(classes = App.class, properties = {"dbbrain.region=ap-guangzhou",
            "dbbrain.endpoint=https://never.used.example", "dbbrain.watch.poll-interval=50ms"})
    @AutoConfigureDbbrainEmulator(proxies = 2, stepMillis = 50)
    static class AnotherApplicationTest {
        @Autowired
        DbbrainEmulator emulator;
    }

    /** Strict: a request the test did not script is an error that fails the test. */
    @SpringBootTest(classes = App.class)
    @AutoConfigureDbbrainEmulator(strictScripting = true)
    static class StrictTest {
        @Autowired
        DbbrainClient client;
        @Autowired
        DbbrainEmulator emulator;

        void aTestMethod() {
        }
    }

    @Test
    void afterEachTestMethodTheScriptIsResetAndScriptingErrorsFailTheTest() throws Exception {
        TestContextManager manager = new TestContextManager(StrictTest.class);
        StrictTest test = new StrictTest();
        Method method = StrictTest.class.getDeclaredMethod("aTestMethod");
        manager.prepareTestInstance(test);
        try {
            // A test that scripts what it sends passes, and leaves nothing behind for the next one.
            manager.beforeTestMethod(test, method);
            test.emulator.enqueue("CreateProxySessionKillTask", EmulatorAnswer.created(8), EmulatorAnswer.created(9));
            assertThat(test.client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-spring02"))
                    .block(WAIT).asyncRequestId()).isEqualTo(8);
            assertThat(test.emulator.takeRequest(WAIT).parameters()).containsEntry("InstanceId", "crs-spring02");
            manager.afterTestMethod(test, method, null);
            assertThat(test.emulator.requestCount()).isZero();

            // The next one did not script its Describe (and created(9) is gone): it fails.
            manager.beforeTestMethod(test, method);
            Throwable error = test.client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(
                    "crs-spring02")).then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(WAIT);
            assertThat(error).hasMessageContaining("FailedOperation.EmulatorScript");
            assertThatThrownBy(() -> manager.afterTestMethod(test, method, null)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("strict scripting is on");
            assertThat(test.emulator.scriptingErrors()).as("reset all the same").isEmpty();
        } finally {
            manager.getTestContext().markApplicationContextDirty(HierarchyMode.EXHAUSTIVE);
        }
    }

    @Test
    void theAutoConfiguredClientKillsOnTheEmulatorAndTheEmulatorStopsWithTheContext() throws Exception {
        TestContextManager manager = new TestContextManager(ApplicationTest.class);
        ApplicationTest test = new ApplicationTest();
        manager.prepareTestInstance(test);
        try {
            List<TaskInfo> states = test.client.killProxySessions("crs-spring01").collectList().block(WAIT);

            assertThat(states).last().satisfies(last -> {
                assertThat(last.status()).isEqualTo("finished");
                assertThat(last.instProxyCount()).isEqualTo(2);
            });
            assertThat(test.emulator.stats().tasks()).extracting(t -> t.instanceId()).contains("crs-spring01");
            assertThat(test.client.watchOptions().pollInterval()).isEqualTo(Duration.ofMillis(50));
            assertThat(test.environment.getProperty("dbbrain.endpoint")).isEqualTo(test.emulator.endpoint());
            assertThat(test.environment.getProperty("dbbrain.credentials.secret-id"))
                    .isEqualTo(DbbrainEmulatorExtension.SECRET_ID);
            assertThat(test.environment.getProperty("dbbrain.region")).isEqualTo("ap-guangzhou");

            TestContextManager another = new TestContextManager(AnotherApplicationTest.class);
            AnotherApplicationTest second = new AnotherApplicationTest();
            another.prepareTestInstance(second);
            assertThat(second.emulator).isSameAs(test.emulator);
        } finally {
            manager.getTestContext().markApplicationContextDirty(HierarchyMode.EXHAUSTIVE);
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", test.emulator.port()).close())
                .isInstanceOf(ConnectException.class);
    }
}
