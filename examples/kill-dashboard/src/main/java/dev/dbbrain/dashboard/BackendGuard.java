package dev.dbbrain.dashboard;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;

/**
 * Decides, once at startup, which backend the dashboard talks to, and refuses to start when that would mislead:
 * the emulator beside a configured endpoint or region (it would silently stand in for them), or Tencent Cloud
 * without credentials anywhere the client looks, unless {@code dashboard.emulator.enabled=false} says they come
 * from somewhere the dashboard cannot see (such as a {@code DbbrainClientCustomizer} with an instance role).
 */
final class BackendGuard {

    /** The backend's name in {@value #HEADER} and on the page. */
    static final String EMULATOR = "emulator";
    /** The backend's name in {@value #HEADER} and on the page. */
    static final String TENCENT_CLOUD = "tencent-cloud";
    /** The response header that names the backend on every answer. */
    static final String HEADER = "X-Dashboard-Backend";

    private final String backend;

    BackendGuard(Environment env, ObjectProvider<EmulatorConfiguration.EmbeddedEmulator> emulator,
            Supplier<List<Path>> profileFiles) {
        this.backend = check(env, emulator.getIfAvailable() != null, profileFiles);
    }

    static String check(Environment env, boolean emulator, Supplier<List<Path>> profileFiles) {
        if (emulator) {
            List<String> set = new ArrayList<>();
            for (String name : List.of("dbbrain.endpoint", "dbbrain.region")) {
                if (EmulatorModeCondition.hasText(env.getProperty(name))) {
                    set.add(name);
                }
            }
            if (!set.isEmpty()) {
                throw new IllegalStateException("dashboard.emulator.enabled=true (or the demo profile) and "
                        + String.join(" and ", set) + " are both set: the embedded emulator would silently stand "
                        + "in for the service you configured. For the demo, unset " + String.join(" and ", set)
                        + "; for Tencent Cloud, drop dashboard.emulator.enabled and the demo profile.");
            }
            return EMULATOR;
        }
        Boolean enabled = env.getProperty("dashboard.emulator.enabled", Boolean.class);
        if (enabled == null && EmulatorModeCondition.configuredCredentials(env, profileFiles.get()).isEmpty()) {
            throw new IllegalStateException("No Tencent Cloud credentials: dbbrain.credentials.secret-id/secret-key "
                    + "and TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY are unset or empty, and there is no "
                    + "TENCENTCLOUD_CREDENTIALS_FILE or profile file (~/.tencentcloud/credentials, "
                    + "/etc/tencentcloud/credentials). Set them to use Tencent Cloud; for the demo against the "
                    + "embedded emulator set dashboard.emulator.enabled=true or the demo profile (run.sh does); "
                    + "set dashboard.emulator.enabled=false if your own DbbrainClientCustomizer supplies them.");
        }
        return TENCENT_CLOUD;
    }

    /** {@value #EMULATOR} or {@value #TENCENT_CLOUD}. */
    String backend() {
        return backend;
    }

    boolean emulator() {
        return EMULATOR.equals(backend);
    }
}
