package dev.dbbrain.examples.modulepath;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import java.time.Duration;
import java.util.List;

/**
 * Kills an instance's proxy sessions against a local emulator and watches the task to its end, from a named module,
 * over HTTP and over HTTPS (as against the real endpoint). Exits with status 0 only when every class came from the module it should (the library, the emulator, Reactor and
 * Netty as modules, not from a class path) and the task finished; otherwise it prints why and exits with 1.
 */
public final class ModulePathKill {

    private static final String SECRET_ID = "AKIDmodulepath";
    private static final String SECRET_KEY = "module-path-secret-key";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private ModulePathKill() {
    }

    /**
     * Runs the kill.
     *
     * @param args none
     */
    public static void main(String[] args) {
        requireNamedModule(ModulePathKill.class, "dev.dbbrain.examples.modulepath");
        requireNamedModule(DbbrainClient.class, "dev.dbbrain.reactive");
        requireNamedModule(DbbrainEmulator.class, "dev.dbbrain.reactive.emulator");
        kill(false);
        kill(true);
        // Loaded by now, from their own modules: Reactor, and Reactor Netty's client.
        requireNamedModule(reactor.core.publisher.Flux.class, "reactor.core");
        requireNamedModule(reactor.netty.http.client.HttpClient.class, "reactor.netty.http");
    }

    /** One kill watched to its end, over HTTP or over HTTPS (the emulator's self-signed certificate trusted). */
    private static void kill(boolean tls) {
        try (DbbrainEmulator emulator = DbbrainEmulator.builder()
                .credentials(SECRET_ID, SECRET_KEY)
                .stepDuration(Duration.ofMillis(100))
                .tls(tls)
                .start()) {
            DbbrainClient.Builder builder = DbbrainClient.builder()
                    .endpoint(emulator.endpoint())
                    .region("ap-guangzhou")
                    .credentials(Credentials.of(SECRET_ID, SECRET_KEY));
            emulator.certificate().ifPresent(builder::trustedCertificates);
            try (DbbrainClient client = builder.build()) {
                List<TaskInfo> states = client.killProxySessions("crs-modpath1", client.watchOptions()
                        .pollInterval(Duration.ofMillis(100)).deadline(Duration.ofSeconds(30)))
                        .collectList().block(WAIT);
                TaskInfo last = states == null || states.isEmpty() ? null : states.get(states.size() - 1);
                if (last == null || last.taskStatus() != TaskStatus.FINISHED || emulator.stats().tasks().size() != 1) {
                    fail("the kill at " + emulator.endpoint() + " did not finish: " + states);
                }
                System.out.printf("module path: task %d of %s %s after %d states at %s (client in module %s, "
                        + "emulator in module %s)%n", last.asyncRequestId(), last.instanceId(), last.status(),
                        states.size(), emulator.endpoint(), DbbrainClient.class.getModule().getName(),
                        DbbrainEmulator.class.getModule().getName());
            }
        }
    }

    private static void requireNamedModule(Class<?> type, String module) {
        if (!module.equals(type.getModule().getName())) {
            fail(type.getName() + " is in " + type.getModule() + ", not in module " + module
                    + ": this run is not on the module path");
        }
    }

    private static void fail(String why) {
        System.err.println("FAILED: " + why);
        System.exit(1);
    }
}
