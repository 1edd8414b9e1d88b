package dev.dbbrain.dashboard;

import dev.dbbrain.reactive.auth.CredentialsProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the dashboard should run against the embedded emulator: only when asked for, with
 * {@code dashboard.emulator.enabled=true} (which the {@code demo} profile and {@code run.sh} set). Missing
 * credentials never start it: a deployment whose key is empty by mistake must not answer "finished" from a
 * simulation ({@link BackendGuard} stops such a start with a message instead).
 */
final class EmulatorModeCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Boolean enabled = context.getEnvironment().getProperty("dashboard.emulator.enabled", Boolean.class);
        return Boolean.TRUE.equals(enabled) ? ConditionOutcome.match("dashboard.emulator.enabled=true")
                : ConditionOutcome.noMatch("dashboard.emulator.enabled is " + enabled + ", not true");
    }

    /**
     * Where credentials are configured, in the client's order; empty when nowhere. A SecretId counts only with its
     * SecretKey, and a blank value is no value (an empty {@code TENCENTCLOUD_SECRET_ID} is a common deployment
     * slip). Runs once, at startup.
     */
    static List<String> configuredCredentials(Environment env, List<Path> profileFiles) {
        List<String> found = new ArrayList<>();
        if (hasText(env.getProperty("dbbrain.credentials.secret-id"))
                && hasText(env.getProperty("dbbrain.credentials.secret-key"))) {
            found.add("dbbrain.credentials.secret-id");
        }
        if (hasText(env.getProperty(CredentialsProvider.ENV_SECRET_ID))
                && hasText(env.getProperty(CredentialsProvider.ENV_SECRET_KEY))) {
            found.add(CredentialsProvider.ENV_SECRET_ID);
        }
        if (hasText(env.getProperty(CredentialsProvider.ENV_CREDENTIALS_FILE))) {
            found.add(CredentialsProvider.ENV_CREDENTIALS_FILE);
        }
        for (Path profile : profileFiles) {
            if (Files.isRegularFile(profile)) {
                found.add(profile.toString());
            }
        }
        return found;
    }

    /** The profile files the default chain reads when {@code TENCENTCLOUD_CREDENTIALS_FILE} is not set. */
    static List<Path> profileFiles() {
        List<Path> files = new ArrayList<>();
        String home = System.getProperty("user.home");
        if (hasText(home)) {
            files.add(Path.of(home, ".tencentcloud", "credentials"));
        }
        files.add(Path.of("/etc/tencentcloud/credentials"));
        return files;
    }

    static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
