package dev.dbbrain.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint.ConfigurationPropertiesBeanDescriptor;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpointWebExtension;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A WebFlux application with the actuator, set to show values, never shows the {@code dbbrain.*} secrets: the
 * secret key and the session token are masked and the Redis URI's password is absent, in {@code configprops} (bound
 * values and their inputs) and in {@code env}.
 */
class DbbrainActuatorIT {

    private static final String SECRET_KEY = "actuator-secret-key-0123456789";
    private static final String TOKEN = "actuator-session-token-0123456789";
    private static final String REDIS_PASSWORD = "hunter2-redis-password";
    private static final String[] PROPERTIES = {
        "--dbbrain.region=ap-guangzhou",
        "--dbbrain.credentials.secret-id=AKIDactuator",
        "--dbbrain.credentials.secret-key=" + SECRET_KEY,
        "--dbbrain.credentials.session-token=" + TOKEN,
        "--dbbrain.rate-limit.redis.uri=redis://fleet:" + REDIS_PASSWORD + "@127.0.0.1:6390/0",
        "--dbbrain.metrics.enabled=false",
        "--server.address=127.0.0.1",
        "--server.port=0",
        "--management.endpoints.web.exposure.include=configprops,env",
    };

    private static ConfigurableApplicationContext start(WebApplicationType type, String... more) {
        List<String> args = new ArrayList<>(List.of(PROPERTIES));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(App.class).web(type).run(args.toArray(String[]::new));
    }

    private static WebTestClient http(ConfigurableApplicationContext context) {
        int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    private static String get(WebTestClient http, String path) {
        return new String(http.get().uri(path).exchange().expectStatus().isOk().expectBody().returnResult()
                .getResponseBodyContent(), StandardCharsets.UTF_8);
    }

    private static void assertNoSecretIn(String body) {
        assertThat(body).doesNotContain(SECRET_KEY).doesNotContain(TOKEN).doesNotContain(REDIS_PASSWORD)
                .doesNotContain("fleet:");
    }

    @Test
    void configpropsShowingValuesMasksTheSecretKeyTheTokenAndTheRedisPassword() {
        try (ConfigurableApplicationContext context = start(WebApplicationType.REACTIVE,
                "--management.endpoint.configprops.show-values=always")) {
            String body = get(http(context), "/actuator/configprops");
            assertNoSecretIn(body);

            JsonNode dbbrain = dbbrainBean(new ObjectMapper().readTree(body));
            JsonNode properties = dbbrain.get("properties");
            // Values are shown (the region and the SecretId in clear), only the secrets are masked.
            assertThat(properties.get("region").asString()).isEqualTo("ap-guangzhou");
            assertThat(properties.get("credentials").get("secretId").asString()).isEqualTo("AKIDactuator");
            assertThat(properties.get("credentials").get("secretKey").asString()).isEqualTo("******");
            assertThat(properties.get("credentials").get("sessionToken").asString()).isEqualTo("******");
            assertThat(properties.get("rateLimit").get("redis").get("uri").asString())
                    .isEqualTo("redis://******@127.0.0.1:6390/0");

            JsonNode inputs = dbbrain.get("inputs");
            assertThat(inputs.get("region").get("value").asString()).isEqualTo("ap-guangzhou");
            assertThat(inputs.get("credentials").get("secretKey").get("value").asString()).isEqualTo("******");
            assertThat(inputs.get("credentials").get("sessionToken").get("value").asString()).isEqualTo("******");
            assertThat(inputs.get("rateLimit").get("redis").get("uri").get("value").asString())
                    .isEqualTo("redis://******@127.0.0.1:6390/0");
        }
    }

    @Test
    void envShowingValuesMasksTheSecretKeyTheTokenAndTheRedisPassword() {
        try (ConfigurableApplicationContext context = start(WebApplicationType.REACTIVE,
                "--management.endpoint.env.show-values=always")) {
            WebTestClient http = http(context);
            String body = get(http, "/actuator/env");
            assertNoSecretIn(body);
            assertThat(body).contains("ap-guangzhou").contains("AKIDactuator");

            JsonNode key = new ObjectMapper().readTree(get(http, "/actuator/env/dbbrain.credentials.secret-key"));
            assertThat(key.get("property").get("value").asString()).isEqualTo("******");
            JsonNode uri = new ObjectMapper().readTree(get(http, "/actuator/env/dbbrain.rate-limit.redis.uri"));
            assertThat(uri.get("property").get("value").asString()).isEqualTo("redis://******@127.0.0.1:6390/0");
        }
    }

    @Test
    void configpropsShowingValuesToAnAuthorizedUserMasksTheSecrets() {
        // Without Spring Security no HTTP request is authorized, so the endpoint's web extension is called with a
        // signed-in user, as the actuator's handler does for one.
        try (ConfigurableApplicationContext context = start(WebApplicationType.NONE,
                "--management.endpoint.configprops.show-values=when-authorized")) {
            ConfigurationPropertiesReportEndpointWebExtension endpoint =
                    context.getBean(ConfigurationPropertiesReportEndpointWebExtension.class);
            Map<String, Object> properties = dbbrainProperties(endpoint, new SignedIn());

            assertThat(properties.get("region")).isEqualTo("ap-guangzhou");
            assertThat(properties.get("credentials")).asInstanceOf(InstanceOfAssertFactories.MAP)
                    .containsEntry("secretId", "AKIDactuator").containsEntry("secretKey", "******")
                    .containsEntry("sessionToken", "******");
            assertThat(properties.get("rateLimit")).asInstanceOf(InstanceOfAssertFactories.MAP)
                    .extractingByKey("redis").asInstanceOf(InstanceOfAssertFactories.MAP)
                    .containsEntry("uri", "redis://******@127.0.0.1:6390/0");
            assertThat(properties.toString()).doesNotContain(SECRET_KEY).doesNotContain(TOKEN)
                    .doesNotContain(REDIS_PASSWORD);
            // Not signed in: everything is masked, as Spring Boot does by itself.
            assertThat(dbbrainProperties(endpoint, SecurityContext.NONE).get("region")).isEqualTo("******");
        }
    }

    private static Map<String, Object> dbbrainProperties(ConfigurationPropertiesReportEndpointWebExtension endpoint,
            SecurityContext user) {
        return endpoint.configurationProperties(user).getContexts().values().stream()
                .flatMap(c -> c.getBeans().values().stream()).filter(b -> b.getPrefix().equals("dbbrain"))
                .map(ConfigurationPropertiesBeanDescriptor::getProperties).findFirst().orElseThrow();
    }

    private static JsonNode dbbrainBean(JsonNode configprops) {
        for (JsonNode context : configprops.get("contexts")) {
            for (JsonNode bean : context.get("beans")) {
                if (bean.get("prefix").asString().equals("dbbrain")) {
                    return bean;
                }
            }
        }
        throw new AssertionError("no dbbrain bean in " + configprops);
    }

    /** A signed-in user with no roles: authorized when the endpoint asks for no role. */
    private static final class SignedIn implements SecurityContext {
        @Override
        public Principal getPrincipal() {
            return () -> "operator";
        }

        @Override
        public boolean isUserInRole(String role) {
            return false;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
    }
}
