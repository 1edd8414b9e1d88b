package dev.dbbrain.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksRequest;
import dev.dbbrain.reactive.Language;
import dev.dbbrain.reactive.WatchOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.util.unit.DataSize;
import reactor.test.StepVerifier;

/** The auto-configured client without a server: binding, validation, back-off, customizers, life cycle. */
class DbbrainAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DbbrainAutoConfiguration.class));

    private static List<String> messages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages;
    }

    @Test
    void threePropertiesGiveAClient() {
        runner.withPropertyValues("dbbrain.region=ap-guangzhou", "dbbrain.credentials.secret-id=AKIDspring",
                "dbbrain.credentials.secret-key=spring-secret-key").run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(DbbrainClient.class);
                    DbbrainClient client = context.getBean(DbbrainClient.class);
                    assertThat(client.toString()).contains("https://dbbrain.tencentcloudapi.com")
                            .contains("ap-guangzhou").doesNotContain("spring-secret-key");
                });
    }

    @Test
    void everyPropertyBindsFromItsKebabCaseName() {
        runner.withPropertyValues("dbbrain.endpoint=http://127.0.0.1:8080", "dbbrain.language=EN_US",
                "dbbrain.connect-timeout=3s", "dbbrain.response-timeout=7s", "dbbrain.max-connections=8",
                "dbbrain.max-response-size=64KB", "dbbrain.server-time-zone=UTC", "dbbrain.sign-action-header=true",
                "dbbrain.max-retries=2", "dbbrain.retry-backoff.first=100ms", "dbbrain.retry-backoff.max=2s",
                "dbbrain.max-batch=20", "dbbrain.rate-limit.permits-per-second=5", "dbbrain.rate-limit.burst=2",
                "dbbrain.watch.poll-interval=500ms", "dbbrain.watch.max-interval=4s",
                "dbbrain.watch.growth-factor=1.5", "dbbrain.watch.jitter=0", "dbbrain.watch.deadline=10m",
                "dbbrain.watch.not-found-grace=30s", "dbbrain.watch.failed-as-error=true",
                "dbbrain.credentials.secret-id=AKIDspring", "dbbrain.credentials.secret-key=key",
                "dbbrain.credentials.session-token=token").run(context -> {
                    assertThat(context).hasNotFailed();
                    DbbrainProperties p = context.getBean(DbbrainProperties.class);
                    assertThat(p.endpoint()).isEqualTo("http://127.0.0.1:8080");
                    assertThat(p.language()).isEqualTo(Language.EN_US);
                    assertThat(p.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(p.responseTimeout()).isEqualTo(Duration.ofSeconds(7));
                    assertThat(p.maxConnections()).isEqualTo(8);
                    assertThat(p.maxResponseSize()).isEqualTo(DataSize.ofKilobytes(64));
                    assertThat(p.serverTimeZone()).isEqualTo(ZoneId.of("UTC"));
                    assertThat(p.signActionHeader()).isTrue();
                    assertThat(p.maxRetries()).isEqualTo(2);
                    assertThat(p.retryBackoff().first()).isEqualTo(Duration.ofMillis(100));
                    assertThat(p.retryBackoff().max()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(p.maxBatch()).isEqualTo(20);
                    assertThat(p.rateLimit().permitsPerSecond()).isEqualTo(5.0);
                    assertThat(p.rateLimit().burst()).isEqualTo(2);
                    assertThat(p.watch().pollInterval()).isEqualTo(Duration.ofMillis(500));
                    assertThat(p.watch().maxInterval()).isEqualTo(Duration.ofSeconds(4));
                    assertThat(p.watch().growthFactor()).isEqualTo(1.5);
                    assertThat(p.watch().jitter()).isZero();
                    assertThat(p.watch().deadline()).isEqualTo(Duration.ofMinutes(10));
                    assertThat(p.watch().notFoundGrace()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(p.watch().failedAsError()).isTrue();
                    assertThat(p.credentials().sessionToken()).isEqualTo("token");
                    assertThat(context.getBean(DbbrainClient.class).toString()).contains("127.0.0.1:8080");
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "dbbrain.connect-timeout=-1s        | dbbrain.connect-timeout   | must be positive",
        "dbbrain.response-timeout=0s        | dbbrain.response-timeout  | must be positive",
        "dbbrain.endpoint=ftp://example.com | dbbrain.endpoint          | http:// or https://",
        "dbbrain.endpoint=http://example.com | dbbrain.endpoint         | not loopback",
        "dbbrain.endpoint=https://h/path    | dbbrain.endpoint          | no path",
        "dbbrain.rate-limit.burst=0         | dbbrain.rate-limit.burst  | at least 1",
        "dbbrain.rate-limit.permits-per-second=-2 | dbbrain.rate-limit.permits-per-second | positive",
        "dbbrain.max-retries=-1             | dbbrain.max-retries       | must not be negative",
        "dbbrain.max-batch=0                | dbbrain.max-batch         | at least 1",
        "dbbrain.max-connections=0          | dbbrain.max-connections   | at least 1",
        "dbbrain.max-response-size=10B      | dbbrain.max-response-size | at least 1024",
        "dbbrain.region=ap guangzhou        | dbbrain.region            | whitespace",
        "dbbrain.watch.poll-interval=0ms    | dbbrain.watch.poll-interval | must be positive",
        "dbbrain.watch.jitter=1.5           | dbbrain.watch.jitter      | [0, 1)",
        "dbbrain.watch.max-interval=10ms    | dbbrain.watch             | maxInterval must be at least",
        "dbbrain.retry-backoff.max=1ms      | dbbrain.retry-backoff     | max must be at least first",
    })
    void aBadValueStopsStartupNamingThePropertyAndTheReason(String property, String name, String reason) {
        runner.withPropertyValues(property).run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure()))
                    .anySatisfy(m -> assertThat(m).contains(name).contains(reason));
        });
    }

    @Test
    void badCredentialsStopStartupWithoutEchoingTheSecret() {
        runner.withPropertyValues("dbbrain.credentials.secret-id=AKIDspring",
                "dbbrain.credentials.secret-key=top secret value").run(context -> {
                    assertThat(context).hasFailed();
                    List<String> messages = messages(context.getStartupFailure());
                    assertThat(messages).anySatisfy(m -> assertThat(m).contains("dbbrain.credentials"));
                    assertThat(messages).noneMatch(m -> m.contains("top secret value"));
                });
        runner.withPropertyValues("dbbrain.credentials.secret-key=lonely-secret").run(context -> {
            assertThat(context).hasFailed();
            List<String> messages = messages(context.getStartupFailure());
            assertThat(messages).anySatisfy(m -> assertThat(m).contains("secret-id and secret-key"));
            assertThat(messages).noneMatch(m -> m.contains("lonely-secret"));
        });
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnClient() {
        runner.withUserConfiguration(OwnClient.class).run(context -> {
            assertThat(context).hasSingleBean(DbbrainClient.class);
            assertThat(context.getBean(DbbrainClient.class)).isSameAs(context.getBean("myClient"));
            assertThat(context.getBean(DbbrainClient.class).toString()).contains("ap-own");
        });
    }

    @Test
    void customizersAreAppliedInOrderAfterTheProperties() {
        runner.withUserConfiguration(Customizers.class).withPropertyValues("dbbrain.region=ap-properties")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(Customizers.class).calls).containsExactly("first", "second");
                    assertThat(context.getBean(DbbrainClient.class).toString()).contains("region=ap-second");
                });
    }

    @Test
    void theClientIsClosedWithTheContext() {
        AtomicReference<DbbrainClient> client = new AtomicReference<>();
        runner.run(context -> client.set(context.getBean(DbbrainClient.class)));

        StepVerifier.create(client.get().describeProxySessionKillTasks(
                        DescribeProxySessionKillTasksRequest.of("crs-closed01", 1)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("closed"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void startsWithoutMicrometerOnTheClasspath() {
        runner.withClassLoader(new FilteredClassLoader("io.micrometer")).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(DbbrainClient.class);
            assertThat(context).doesNotHaveBean("dbbrainMicrometerCustomizer");
        });
    }

    @Test
    void metricsCanBeTurnedOff() {
        // Decided when the client is built, not by a condition (so that it also works when it arrives only at run
        // time in an application processed ahead of time): the listener's gauges are the sign it was given.
        ApplicationContextRunner metered = runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new);
        metered.run(context -> assertThat(context.getBean(MeterRegistry.class).find("dbbrain.watch.active").gauge())
                .isNotNull());
        metered.withPropertyValues("dbbrain.metrics.enabled=false").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(DbbrainClient.class);
            assertThat(context.getBean(MeterRegistry.class).getMeters())
                    .noneMatch(m -> m.getId().getName().startsWith("dbbrain."));
        });
    }

    /** Every property and its default (empty: unset by default), as they were before the properties became records. */
    private static final String[] PROPERTIES = {
        "dbbrain.endpoint=https://dbbrain.tencentcloudapi.com", "dbbrain.allow-insecure-endpoint=false",
        "dbbrain.region=", "dbbrain.language=", "dbbrain.connect-timeout=10s", "dbbrain.response-timeout=30s",
        "dbbrain.attempt-timeout=", "dbbrain.max-watches=10000", "dbbrain.trusted-certificates=",
        "dbbrain.max-connections=50", "dbbrain.max-response-size=4MB", "dbbrain.server-time-zone=+08:00",
        "dbbrain.sign-action-header=false", "dbbrain.max-retries=6", "dbbrain.max-batch=100",
        "dbbrain.credentials.secret-id=", "dbbrain.credentials.secret-key=", "dbbrain.credentials.session-token=",
        "dbbrain.retry-backoff.first=250ms", "dbbrain.retry-backoff.max=8s",
        "dbbrain.rate-limit.enabled=true", "dbbrain.rate-limit.permits-per-second=", "dbbrain.rate-limit.burst=", "dbbrain.rate-limit.max-queued=",
        "dbbrain.rate-limit.redis.uri=", "dbbrain.rate-limit.redis.key-prefix=dbbrain:rate",
        "dbbrain.rate-limit.redis.command-timeout=1s", "dbbrain.rate-limit.redis.fallback-replicas=",
        "dbbrain.rate-limit.redis.previous-layout=true",
        "dbbrain.watch.poll-interval=1s", "dbbrain.watch.max-interval=", "dbbrain.watch.growth-factor=2",
        "dbbrain.watch.jitter=0.1", "dbbrain.watch.deadline=", "dbbrain.watch.not-found-grace=10s",
        "dbbrain.watch.failed-as-error=false", "dbbrain.watch.shared=true", "dbbrain.metrics.enabled=true",
    };

    @Test
    void configurationMetadataDocumentsEveryPropertyWithADescriptionAndItsDefault() throws Exception {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("metadata generated by spring-boot-configuration-processor").isNotNull();
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> defaults = new TreeMap<>();
        new tools.jackson.databind.ObjectMapper().readTree(json).get("properties").forEach(p -> {
            String name = p.get("name").asString();
            assertThat(name).startsWith("dbbrain.");
            assertThat(p.path("description").asString()).as("description of " + name).isNotBlank().endsWith(".");
            defaults.put(name, p.has("defaultValue") ? p.get("defaultValue").asString() : "");
        });
        Map<String, String> expected = new TreeMap<>();
        for (String property : PROPERTIES) {
            expected.put(property.substring(0, property.indexOf('=')), property.substring(property.indexOf('=') + 1));
        }
        assertThat(defaults).isEqualTo(expected);
    }

    @Test
    void unsetPropertiesBindToTheBuildersDefaults() {
        runner.run(context -> {
            DbbrainProperties p = context.getBean(DbbrainProperties.class);
            assertThat(p.endpoint()).isEqualTo(DbbrainClient.DEFAULT_ENDPOINT);
            assertThat(p.allowInsecureEndpoint()).isFalse();
            assertThat(p.region()).isNull();
            assertThat(p.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(p.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(p.maxConnections()).isEqualTo(50);
            assertThat(p.maxResponseSize().toBytes()).isEqualTo(DbbrainClient.DEFAULT_MAX_RESPONSE_SIZE);
            assertThat(p.serverTimeZone()).isEqualTo(ZoneOffset.ofHours(8));
            assertThat(p.maxRetries()).isEqualTo(DbbrainClient.DEFAULT_MAX_RETRIES);
            assertThat(p.maxBatch()).isEqualTo(DbbrainClient.DEFAULT_MAX_BATCH);
            assertThat(p.retryBackoff()).isEqualTo(new DbbrainProperties.RetryBackoff(Duration.ofMillis(250),
                    Duration.ofSeconds(8)));
            assertThat(p.credentials()).isEqualTo(new DbbrainProperties.CredentialsProperties(null, null, null));
            assertThat(p.attemptTimeout()).isNull();
            assertThat(p.maxWatches()).isEqualTo(DbbrainClient.DEFAULT_MAX_WATCHES);
            assertThat(p.trustedCertificates()).isNull();
            assertThat(p.rateLimit()).isEqualTo(new DbbrainProperties.RateLimit(true, null, null, null,
                    new DbbrainProperties.Redis(null, "dbbrain:rate", Duration.ofSeconds(1), null, true)));
            assertThat(p.watch().toOptions(new PropertyChecks())).hasToString(WatchOptions.defaults().toString());
            assertThat(p.watch().shared()).isTrue();
            assertThat(p.metrics().enabled()).isTrue();
        });
    }

    @Test
    void everyBadValueIsNamedInOneFailure() {
        runner.withPropertyValues("dbbrain.max-batch=0", "dbbrain.connect-timeout=0s", "dbbrain.watch.jitter=2",
                "dbbrain.retry-backoff.first=-1s").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().message()
                            .contains("dbbrain.max-batch: maxBatch must be at least 1, was 0")
                            .contains("dbbrain.connect-timeout: connectTimeout must be positive")
                            .contains("dbbrain.watch.jitter: jitter must be in [0, 1), was 2.0")
                            .contains("dbbrain.retry-backoff.first: first must be positive");
                });
    }

    @Test
    void anEndpointWithUserInfoIsRefusedWithItsPasswordMasked() {
        runner.withPropertyValues("dbbrain.endpoint=https://ops:hunter2@dbbrain.example.com").run(context -> {
            assertThat(context).hasFailed();
            List<String> messages = messages(context.getStartupFailure());
            assertThat(messages).anySatisfy(m -> assertThat(m).contains("dbbrain.endpoint")
                    .contains("https://******@dbbrain.example.com"));
            assertThat(messages).noneMatch(m -> m.contains("hunter2"));
        });
    }

    @Test
    void aBlankRedisUriIsRefused() {
        runner.withPropertyValues("dbbrain.rate-limit.redis.uri= ").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().message().contains("dbbrain.rate-limit.redis.uri: must not be blank"));
    }

    @Test
    void aRedisUriWithoutLettuceOnTheClasspathIsRefused() {
        runner.withClassLoader(new FilteredClassLoader("io.lettuce"))
                .withPropertyValues("dbbrain.rate-limit.redis.uri=redis://:hunter2@127.0.0.1:6379")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause().message()
                        .contains("dbbrain.rate-limit.redis.uri: needs io.lettuce:lettuce-core")
                        .doesNotContain("hunter2"));
    }

    @Test
    void theBoundPropertiesNeverShowASecret() {
        runner.withPropertyValues("dbbrain.credentials.secret-id=AKIDshown", "dbbrain.credentials.secret-key=k3y-value",
                "dbbrain.credentials.session-token=t0ken-value",
                "dbbrain.rate-limit.redis.uri=redis://fleet:hunter2@127.0.0.1:6379").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(DbbrainProperties.class).toString()).contains("AKIDshown")
                            .contains("redis://******@127.0.0.1:6379").doesNotContain("k3y-value")
                            .doesNotContain("t0ken-value").doesNotContain("hunter2");
                });
    }

    @Test
    void theActuatorsSanitizerIsRegisteredOnlyWithTheActuator() {
        runner.run(context -> assertThat(context).hasSingleBean(SanitizingFunction.class));
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate")).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(DbbrainClient.class);
            assertThat(context).doesNotHaveBean("dbbrainSanitizingFunction");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnClient {
        @Bean(destroyMethod = "close")
        DbbrainClient myClient() {
            return DbbrainClient.builder().region("ap-own").build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Customizers {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Bean
        @Order(2)
        DbbrainClientCustomizer second() {
            return builder -> {
                calls.add("second");
                builder.region("ap-second");
            };
        }

        @Bean
        @Order(1)
        DbbrainClientCustomizer first() {
            return builder -> {
                calls.add("first");
                builder.region("ap-first");
            };
        }
    }
}
