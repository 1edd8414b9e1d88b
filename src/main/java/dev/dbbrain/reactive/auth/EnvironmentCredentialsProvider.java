package dev.dbbrain.reactive.auth;

import dev.dbbrain.reactive.DbbrainCredentialsException;
import java.util.Map;
import reactor.core.publisher.Mono;

/** Credentials from environment variables; the map is injected so tests need not touch the real environment. */
final class EnvironmentCredentialsProvider implements CredentialsProvider {

    private final Mono<Credentials> result;

    EnvironmentCredentialsProvider(Map<String, String> environment) {
        this.result = resolve(environment);
    }

    private static Mono<Credentials> resolve(Map<String, String> env) {
        String id = blankToNull(env.get(ENV_SECRET_ID));
        String key = blankToNull(env.get(ENV_SECRET_KEY));
        String token = blankToNull(env.get(ENV_SESSION_TOKEN));
        if (id == null && key == null) {
            return Mono.error(new DbbrainCredentialsException(
                    "environment variables " + ENV_SECRET_ID + " and " + ENV_SECRET_KEY + " are not set", true, null));
        }
        if (id == null || key == null) {
            return Mono.error(new DbbrainCredentialsException("environment variable "
                    + (id == null ? ENV_SECRET_KEY : ENV_SECRET_ID) + " is set but "
                    + (id == null ? ENV_SECRET_ID : ENV_SECRET_KEY) + " is not"));
        }
        try {
            return Mono.just(Credentials.of(id.trim(), key.trim(), token == null ? null : token.trim()));
        } catch (IllegalArgumentException e) {
            return Mono.error(new DbbrainCredentialsException("environment credentials are malformed: "
                    + e.getMessage(), false, null));
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public Mono<Credentials> resolveCredentials() {
        return result;
    }

    @Override
    public String toString() {
        return "EnvironmentCredentialsProvider";
    }
}
