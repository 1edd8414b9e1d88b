package dev.dbbrain.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.actuate.endpoint.SanitizableData;

/** The actuator's sanitizer finds the dbbrain secrets under every name Spring Boot may show them with. */
class DbbrainSanitizingFunctionTest {

    private final DbbrainSanitizingFunction sanitizer = new DbbrainSanitizingFunction();

    private Object sanitized(String key, Object value) {
        return sanitizer.apply(new SanitizableData(null, key, value)).getValue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dbbrain.credentials.secretKey", "dbbrain.credentials.secret-key",
        "DBBRAIN_CREDENTIALS_SECRETKEY", "DBBRAIN_CREDENTIALS_SECRET_KEY", "dbbrain.credentials.sessionToken",
        "dbbrain.credentials.session-token", "DBBRAIN_CREDENTIALS_SESSIONTOKEN"})
    void theSecretKeyAndTheTokenAreMaskedUnderEveryName(String key) {
        assertThat(sanitized(key, "s3cret-value")).isEqualTo("******");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dbbrain.rateLimit.redis.uri", "dbbrain.rate-limit.redis.uri",
        "DBBRAIN_RATELIMIT_REDIS_URI", "DBBRAIN_RATE_LIMIT_REDIS_URI"})
    void theRedisUriKeepsItsHostAndLosesItsUserInfoUnderEveryName(String key) {
        assertThat(sanitized(key, "redis://fleet:hunter2@redis.internal:6379/0"))
                .isEqualTo("redis://******@redis.internal:6379/0");
        assertThat(sanitized(key, "redis://redis.internal:6379")).isEqualTo("redis://redis.internal:6379");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "dbbrain.credentials.secretId       | AKIDvisible",
        "dbbrain.region                     | ap-guangzhou",
        "other.credentials.secret-key       | not ours",
        "dbbrain.credentials.secret-key-old | not ours either",
    })
    void otherPropertiesAreLeftAlone(String key, String value) {
        assertThat(sanitized(key, value)).isEqualTo(value);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "redis://:hunter2@h:6379                    | redis://******@h:6379",
        "rediss://user:hunter2@h                    | rediss://******@h",
        "redis://user:p@ss/w?rd@h:6379/1            | redis://******@h:6379/1",
        "redis-sentinel://hunter2@h1:26379,h2/0#m   | redis-sentinel://******@h1:26379,h2/0#m",
        "redis-socket://hunter2@/tmp/redis.sock     | redis-socket://******@/tmp/redis.sock",
        "hunter2@h:6379                             | ******@h:6379",
        "redis://h:6379                             | redis://h:6379",
    })
    void userInfoIsMaskedUpToTheLastAt(String uri, String masked) {
        assertThat(UserInfo.mask(uri)).isEqualTo(masked);
        assertThat(UserInfo.mask(uri)).doesNotContain("hunter2").doesNotContain("p@ss");
    }
}
