package dev.dbbrain.dashboard;

import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The dashboard's own settings ({@code dashboard.*}); the client's are the library's {@code dbbrain.*}.
 *
 * @param heartbeat time between heartbeat comments on an event stream, so proxies and browsers keep it open while
 *     a task does not change
 * @param emulator the embedded emulator
 * @param allowedHosts the host names the dashboard answers to (the {@code Host} header, port aside); any other is
 *     refused with 403, so a page whose name was rebound to this machine's address cannot drive it
 * @param streams the caps on concurrent event streams
 */
@ConfigurationProperties("dashboard")
record DashboardProperties(@DefaultValue("15s") Duration heartbeat, @DefaultValue Emulator emulator,
        @DefaultValue({"localhost", "127.0.0.1", "[::1]"}) List<String> allowedHosts, @DefaultValue Streams streams) {

    DashboardProperties {
        if (heartbeat == null || heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("dashboard.heartbeat must be positive, was " + heartbeat);
        }
        if (allowedHosts.isEmpty() || allowedHosts.stream().anyMatch(h -> h == null || h.isBlank())) {
            throw new IllegalArgumentException("dashboard.allowed-hosts must list host names, was " + allowedHosts);
        }
        allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
    }

    /**
     * How many task event streams may be open at once: each holds a connection and a watch, so without a cap one
     * client could open hundreds and delay everybody's kills behind their polls.
     *
     * @param maxConcurrent open streams at most, all clients together
     * @param maxPerClient open streams at most per client address (every local browser is 127.0.0.1)
     */
    record Streams(@DefaultValue("64") int maxConcurrent, @DefaultValue("16") int maxPerClient) {

        Streams {
            if (maxConcurrent < 1) {
                throw new IllegalArgumentException("dashboard.streams.max-concurrent must be at least 1, was "
                        + maxConcurrent);
            }
            if (maxPerClient < 1) {
                throw new IllegalArgumentException("dashboard.streams.max-per-client must be at least 1, was "
                        + maxPerClient);
            }
        }
    }

    /**
     * The embedded DBbrain emulator.
     *
     * @param enabled {@code true} runs the dashboard against it (the {@code demo} profile sets it; so does
     *     {@code run.sh}); unset or {@code false}, the dashboard talks to Tencent Cloud. It is never started because
     *     credentials are missing
     * @param stepDuration the time each step of a task takes (created, chosen, then one per proxy)
     * @param proxies the number of proxies of every instance
     * @param proxyFailureProbability the chance that killing the sessions of one proxy fails
     * @param endpoint an emulator already running, such as the one {@code run.sh --fleet} starts for two replicas
     *     of the dashboard: the dashboard talks to it instead of starting its own (the step, proxies and failure
     *     settings are then that emulator's); unset, it starts its own
     * @param secretId with {@code endpoint}, the SecretId that emulator accepts
     * @param secretKey with {@code endpoint}, the SecretKey that emulator accepts
     */
    record Emulator(Boolean enabled, @DefaultValue("1s") Duration stepDuration, @DefaultValue("3") int proxies,
            @DefaultValue("0") double proxyFailureProbability, String endpoint, String secretId, String secretKey) {

        Emulator {
            if (endpoint != null && (endpoint.isBlank() || secretId == null || secretId.isBlank()
                    || secretKey == null || secretKey.isBlank())) {
                throw new IllegalArgumentException("dashboard.emulator.endpoint needs dashboard.emulator.secret-id "
                        + "and dashboard.emulator.secret-key, the key pair that emulator accepts");
            }
            try {
                // The emulator's own checks, now rather than when it starts; setting them starts nothing.
                DbbrainEmulator.builder().stepDuration(stepDuration).proxies(proxies)
                        .proxyFailureProbability(proxyFailureProbability);
            } catch (IllegalArgumentException e) {
                // The builder names the argument first: "proxies must be at least 1, got 0".
                throw new IllegalArgumentException("dashboard.emulator." + e.getMessage());
            }
        }
    }
}
