package dev.dbbrain.reactive.spring;

import java.util.Locale;
import java.util.Set;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks the {@code dbbrain.*} secrets in the actuator's {@code configprops} and {@code env} endpoints, even when
 * they show values ({@code management.endpoint.*.show-values=always}, or {@code when-authorized} to an authorized
 * user): the secret key and the session token entirely, the Redis URI's user info (its password).
 *
 * <p>Keys are compared the way Spring Boot binds them, ignoring case, dots, dashes and underscores: the
 * {@code configprops} endpoint names the bound value {@code dbbrain.credentials.secretKey} and its input
 * {@code dbbrain.credentials.secret-key}; the {@code env} endpoint shows the name of the property source, such as
 * {@code DBBRAIN_CREDENTIALS_SECRETKEY} for an environment variable.
 */
final class DbbrainSanitizingFunction implements SanitizingFunction {

    private static final Set<String> SECRETS = Set.of("dbbraincredentialssecretkey",
            "dbbraincredentialssessiontoken");
    private static final String REDIS_URI = "dbbrainratelimitredisuri";

    @Override
    public SanitizableData apply(SanitizableData data) {
        String key = canonical(data.getKey());
        if (SECRETS.contains(key)) {
            return data.withValue(UserInfo.MASK);
        }
        if (key.equals(REDIS_URI) && data.getValue() != null) {
            return data.withValue(UserInfo.mask(data.getValue().toString()));
        }
        return data;
    }

    private static String canonical(String key) {
        StringBuilder canonical = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c != '.' && c != '-' && c != '_') {
                canonical.append(c);
            }
        }
        return canonical.toString().toLowerCase(Locale.ROOT);
    }
}
