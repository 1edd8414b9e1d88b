package dev.dbbrain.reactive;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs the core against the emulator: create, watch to the end, describe. {@link CoreWithoutOptionalDependenciesIT}
 * loads it through a class loader that hides Micrometer, Spring and jackson-databind; it must refer to nothing but the
 * core.
 */
public final class CoreOnlyProbe implements Callable<String> {

    @Override
    public String call() {
        for (String hidden : List.of("io.micrometer.core.instrument.MeterRegistry",
                "io.micrometer.observation.ObservationRegistry", "org.springframework.context.ApplicationContext",
                "tools.jackson.databind.ObjectMapper", "com.fasterxml.jackson.annotation.JsonProperty")) {
            try {
                Class.forName(hidden, false, getClass().getClassLoader());
                throw new AssertionError(hidden + " is visible: the probe is not isolated");
            } catch (ClassNotFoundException expected) {
                // hidden, as it should be
            }
        }
        DbbrainEmulator emulator = DbbrainEmulator.builder().credentials("AKIDcoreOnly", "core-only-key")
                .stepDuration(Duration.ofMillis(50)).start();
        DbbrainClient client = DbbrainClient.builder().endpoint(emulator.endpoint())
                .credentials(Credentials.of("AKIDcoreOnly", "core-only-key"))
                .watchOptions(WatchOptions.defaults().pollInterval(Duration.ofMillis(30))).build();
        try {
            List<TaskInfo> states = client.killProxySessions("crs-coreonly").collectList()
                    .block(Duration.ofSeconds(30));
            TaskInfo last = states.get(states.size() - 1);
            DescribeProxySessionKillTasksResponse described = client.describeProxySessionKillTasks(
                    DescribeProxySessionKillTasksRequest.of("crs-coreonly", last.asyncRequestId()))
                    .block(Duration.ofSeconds(30));
            return last.taskStatus() + " " + described.tasks().get(0).taskStatus() + " " + client.stats().requests();
        } finally {
            client.close();
            emulator.stop();
        }
    }
}
