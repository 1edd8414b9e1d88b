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
 * Matches when the dashboard should run against the embedded emulator: {@code dashboard.emulator.enabled=true}, or
 * that property unset and no credentials anywhere the client would look (the {@code dbbrain.credentials.*}
 * properties, then the default chain: environment variables, then the profile files). The emulator is never a
 * silent fallback for credentials that are configured but wrong: those reach Tencent Cloud and fail there.
 */
final class EmulatorModeCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Environment env = context.getEnvironment();
        Boolean enabled = env.getProperty("dashboard.emulator.enabled", Boolean.class);
        if (enabled != null) {
            return new ConditionOutcome(enabled, "dashboard.emulator.enabled=" + enabled);
        }
        List<String> found = configuredCredentials(env, profileFiles());
        return found.isEmpty()
                ? ConditionOutcome.match("no Tencent Cloud credentials configured")
                : ConditionOutcome.noMatch("Tencent Cloud credentials configured: " + String.join(", ", found));
    }

    /** Where credentials are configured, in the client's order; empty when nowhere. Runs once, at startup. */
    static List<String> configuredCredentials(Environment env, List<Path> profileFiles) {
        List<String> found = new ArrayList<>();
        for (String name : List.of("dbbrain.credentials.secret-id", CredentialsProvider.ENV_SECRET_ID,
                CredentialsProvider.ENV_CREDENTIALS_FILE)) {
            if (hasText(env.getProperty(name))) {
                found.add(name);
            }
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

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
