package dev.dbbrain.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.testing.RedisProcess;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.test.tools.CompileWithForkedClassLoader;
import org.springframework.core.test.tools.TestCompiler;
import org.springframework.javapoet.ClassName;

/**
 * The auto-configuration processed ahead of time, as {@code spring-boot:process-aot} does, with no {@code dbbrain.*}
 * property at build time, then started from the generated code with the properties given only at run time (as
 * environment variables reach a container): they take effect. Before, the Redis URI and
 * {@code dbbrain.metrics.enabled} were conditions, evaluated once at build time, and a fleet's replica used a budget
 * of its own in silence.
 *
 * <p>The generated code sits in this library's package (it creates the package-private configurations), so it is
 * compiled and loaded in a class loader that holds this package too ({@link CompileWithForkedClassLoader}). That
 * loader is made anew for every test method and loads Spring, Reactor and Netty again, so the scenarios share one
 * method and one processing.
 */
@CompileWithForkedClassLoader
class DbbrainSpringAotIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ID = "AKIDspringAot";
    private static final String KEY = "spring-aot-secret-key";

    @Test
    void propertiesGivenOnlyAtRunTimeTakeEffectInAnApplicationProcessedAheadOfTime() {
        try (RedisProcess redis = RedisProcess.start();
             DbbrainEmulator emulator = DbbrainEmulator.builder().credentials(ID, KEY)
                     .stepDuration(Duration.ofMillis(100)).start()) {
            ApplicationContextInitializer<GenericApplicationContext> processed = processAheadOfTime();

            // A Redis URI from the environment: every request reserves its slot through the limiter's script.
            redis.admin().configResetstat();
            redis.logEveryCommand();
            start(processed, runTime(emulator, "dbbrain.rate-limit.redis.uri=" + redis.uri(),
                    "dbbrain.rate-limit.redis.key-prefix=aot:fleet"), context -> {
                        long requests = kill(context, emulator, "crs-aotredis");
                        assertThat(scripts(redis)).as("the limiter's script in Redis, once per request at least")
                                .isGreaterThanOrEqualTo(requests);
                        // The limiter's keys under its prefix; the watch, shared by default with the same URI,
                        // under the sharing's own (the decision too was taken at run time, in the bean).
                        List<String> keys = redis.scriptKeys();
                        assertThat(keys).filteredOn(k -> !k.startsWith("dbbrain:watch:")).isNotEmpty()
                                .allSatisfy(k -> assertThat(k).startsWith("aot:fleet:"));
                        assertThat(keys).anySatisfy(k -> assertThat(k).startsWith("dbbrain:watch:v1:{"));
                    });

            // Without it, the budget is this JVM's and Redis is never asked.
            redis.admin().configResetstat();
            start(processed, runTime(emulator), context -> {
                kill(context, emulator, "crs-aotlocal");
                assertThat(scripts(redis)).isZero();
                assertThat(context.getBean(MeterRegistry.class).get("dbbrain.client.requests").timers())
                        .as("metrics on by default").isNotEmpty();
            });

            // Metrics turned off in the environment: the registry gets no meter of the client's.
            start(processed, runTime(emulator, "dbbrain.metrics.enabled=false"), context -> {
                kill(context, emulator, "crs-aotmeta1");
                assertThat(context.getBean(MeterRegistry.class).getMeters())
                        .noneMatch(m -> m.getId().getName().startsWith("dbbrain."));
            });
        }
    }

    /**
     * Processes {@link Application} ahead of time with no property set, compiles the generated code and answers
     * its initializer.
     */
    private static ApplicationContextInitializer<GenericApplicationContext> processAheadOfTime() {
        AnnotationConfigApplicationContext build = new AnnotationConfigApplicationContext();
        build.register(Application.class);
        TestGenerationContext generated = new TestGenerationContext();
        ClassName initializerName = new ApplicationContextAotGenerator().processAheadOfTime(build, generated);
        generated.writeGeneratedContent();
        List<ApplicationContextInitializer<GenericApplicationContext>> initializer = new ArrayList<>();
        // The compiled classes are defined in this test's forked class loader, so they outlive the callback.
        TestCompiler.forSystem().with(generated).compile(compiled -> {
            @SuppressWarnings("unchecked")
            ApplicationContextInitializer<GenericApplicationContext> instance = compiled.getInstance(
                    ApplicationContextInitializer.class, initializerName.reflectionName());
            initializer.add(instance);
        });
        return initializer.get(0);
    }

    /** Starts a context from the generated code with {@code properties} only, runs {@code test}, closes it. */
    private static void start(ApplicationContextInitializer<GenericApplicationContext> processed, String[] properties,
            Consumer<GenericApplicationContext> test) {
        try (GenericApplicationContext context = new GenericApplicationContext()) {
            TestPropertyValues.of(properties).applyTo(context);
            processed.initialize(context);
            context.refresh();
            test.accept(context);
        }
    }

    /** The properties the container gives: the emulator's endpoint and key pair, and {@code extra}. */
    private static String[] runTime(DbbrainEmulator emulator, String... extra) {
        List<String> properties = new ArrayList<>(List.of("dbbrain.endpoint=" + emulator.endpoint(),
                "dbbrain.credentials.secret-id=" + ID, "dbbrain.credentials.secret-key=" + KEY,
                "dbbrain.watch.poll-interval=50ms"));
        properties.addAll(List.of(extra));
        return properties.toArray(new String[0]);
    }

    /** A kill watched to {@code finished}; answers the API requests the emulator has answered so far. */
    private static long kill(GenericApplicationContext context, DbbrainEmulator emulator, String instance) {
        List<TaskInfo> states = context.getBean(DbbrainClient.class).killProxySessions(instance).collectList()
                .block(WAIT);
        assertThat(states).last().extracting(TaskInfo::taskStatus).isEqualTo(TaskStatus.FINISHED);
        long requests = emulator.stats().requests().values().stream().mapToLong(Long::longValue).sum();
        assertThat(requests).isPositive();
        return requests;
    }

    private static long scripts(RedisProcess redis) {
        return redis.commandCalls().getOrDefault("evalsha", 0L) + redis.commandCalls().getOrDefault("eval", 0L);
    }

    /** An application using the auto-configuration, with Micrometer's registry as Boot's actuator would give it. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(DbbrainAutoConfiguration.class)
    static class Application {

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }
}
