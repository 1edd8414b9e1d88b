package dev.dbbrain.reactive.emulator.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Points a Spring Boot test's auto-configured {@code DbbrainClient} at a {@link
 * dev.dbbrain.reactive.emulator.DbbrainEmulator} started for the test's application context.
 *
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigureDbbrainEmulator
 * class KillControllerTest {
 *     @Autowired DbbrainClient client;          // signs for the emulator, sends to it
 *     @Autowired DbbrainEmulator emulator;      // its stats(), for assertions
 * }
 * }</pre>
 *
 * <p>Before the context refreshes, the emulator is started on an ephemeral loopback port and three properties are
 * put in front of every other source: {@code dbbrain.endpoint} (the emulator's URL) and
 * {@code dbbrain.credentials.secret-id} / {@code secret-key} ({@link DbbrainEmulatorExtension#SECRET_ID} /
 * {@link DbbrainEmulatorExtension#SECRET_KEY}); every other {@code dbbrain.*} property of the application still
 * applies. The emulator is a bean of the context ({@code dbbrainEmulator}), stopped when the context closes, after
 * the client. Test classes with the same settings share one cached context and so one emulator.
 *
 * <p><b>Scripting.</b> The test scripts the emulator bean and asserts on what the application sent; after each
 * test method its script is reset ({@link dev.dbbrain.reactive.emulator.DbbrainEmulator#resetScripting()}), since
 * the context and its emulator outlive the test, and the test fails if the emulator saw
 * {@link dev.dbbrain.reactive.emulator.DbbrainEmulator#scriptingErrors() scripting errors}:
 * <pre>{@code
 * @Test
 * void theControllerReportsAnUnknownInstance() {
 *     emulator.enqueue("CreateProxySessionKillTask",
 *             EmulatorAnswer.error("ResourceNotFound.InstanceNotFoundError", "The instance does not exist."));
 *     // call the application, assert its answer
 *     RecordedRequest sent = emulator.takeRequest(Duration.ofSeconds(5));
 *     assertEquals("crs-abcd1234", sent.parameters().get("InstanceId"));
 * }
 * }</pre>
 *
 * <p>Needs {@code org.springframework:spring-test} (which {@code spring-boot-starter-test} brings) on the test class
 * path, Spring Framework 6.2 or 7. Without this annotation, a {@code @DynamicPropertySource} method setting the same
 * three properties from an emulator of your own does the same.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface AutoConfigureDbbrainEmulator {

    /**
     * Proxies per instance.
     *
     * @return the number of proxies each instance has, at least 1; default 3
     */
    int proxies() default 3;

    /**
     * How long each step of a task takes ({@code created}, {@code chosen}, then one per proxy), in milliseconds.
     *
     * @return the step duration in milliseconds; default 100
     */
    long stepMillis() default 100;

    /**
     * Whether a request the test did not script is an error instead of being served as usual: see
     * {@link dev.dbbrain.reactive.emulator.DbbrainEmulator.Builder#strictScripting(boolean)}.
     *
     * @return true for strict scripting; default false
     */
    boolean strictScripting() default false;
}
