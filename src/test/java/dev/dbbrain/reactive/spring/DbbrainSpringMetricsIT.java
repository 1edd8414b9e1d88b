package dev.dbbrain.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A Spring application gets a working, metered client from three properties, against the emulator. */
class DbbrainSpringMetricsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ID = "AKIDspringIT";
    private static final String KEY = "spring-it-secret-key";

    private DbbrainEmulator emulator;
    private ApplicationContextRunner runner;

    @BeforeEach
    void setUp() {
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).stepDuration(Duration.ofMillis(100)).start();
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DbbrainAutoConfiguration.class))
                .withPropertyValues("dbbrain.endpoint=" + emulator.endpoint(), "dbbrain.credentials.secret-id=" + ID,
                        "dbbrain.credentials.secret-key=" + KEY, "dbbrain.watch.poll-interval=50ms");
    }

    @AfterEach
    void tearDown() {
        emulator.stop();
    }

    @Test
    void threePropertiesAndAMeterRegistryGiveAMeteredClient() {
        runner.withUserConfiguration(Meters.class).run(context -> {
            assertThat(context).hasNotFailed();
            DbbrainClient client = context.getBean(DbbrainClient.class);
            List<TaskInfo> states = client.killProxySessions("crs-spring01").collectList().block(WAIT);
            assertThat(states).last().extracting(TaskInfo::taskStatus).isEqualTo(TaskStatus.FINISHED);

            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("dbbrain.client.requests").tag("action", "CreateProxySessionKillTask")
                    .tag("outcome", "SUCCESS").tag("error.code", "none").timer().count()).isEqualTo(1);
            assertThat(registry.get("dbbrain.client.requests").tag("action", "DescribeProxySessionKillTasks")
                    .timer().count()).isPositive();
            assertThat(registry.get("dbbrain.limiter.wait").tag("action", "CreateProxySessionKillTask").timer()
                    .count()).isEqualTo(1);
            assertThat(registry.get("dbbrain.watch.updates").tag("status", "finished").counter().count())
                    .isEqualTo(1);
            assertThat(registry.get("dbbrain.watch.active").gauge().value()).isZero();
        });
    }

    @Test
    void withAnObservationRegistryRequestsAreObservedThroughIt() {
        runner.withUserConfiguration(Meters.class, Observations.class).run(context -> {
            assertThat(context).hasNotFailed();
            context.getBean(DbbrainClient.class)
                    .createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-spring02")).block(WAIT);

            TestObservationRegistry observations = context.getBean(TestObservationRegistry.class);
            io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat(observations)
                    .hasNumberOfObservationsWithNameEqualTo("dbbrain.client.requests", 1);
            // The timer comes from the application's meter handler, as under Spring Boot's actuator.
            assertThat(context.getBean(MeterRegistry.class).get("dbbrain.client.requests")
                    .tag("action", "CreateProxySessionKillTask").timer().count()).isEqualTo(1);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Meters {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Observations {
        @Bean
        TestObservationRegistry observationRegistry(MeterRegistry meters) {
            TestObservationRegistry registry = TestObservationRegistry.create();
            registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
            return registry;
        }
    }
}
