package dev.dbbrain.dashboard;

import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The dashboard's own settings ({@code dashboard.*}); the client's are the library's {@code dbbrain.*}.
 *
 * @param heartbeat time between heartbeat comments on an event stream, so proxies and browsers keep it open while
 *     a task does not change
 * @param emulator the embedded emulator
 */
@ConfigurationProperties("dashboard")
record DashboardProperties(@DefaultValue("15s") Duration heartbeat, @DefaultValue Emulator emulator) {

    DashboardProperties {
        if (heartbeat == null || heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("dashboard.heartbeat must be positive, was " + heartbeat);
        }
    }

    /**
     * The embedded DBbrain emulator.
     *
     * @param enabled {@code true} always uses it, {@code false} never; unset uses it when no Tencent Cloud
     *     credentials are configured
     * @param stepDuration the time each step of a task takes (created, chosen, then one per proxy)
     * @param proxies the number of proxies of every instance
     * @param proxyFailureProbability the chance that killing the sessions of one proxy fails
     */
    record Emulator(Boolean enabled, @DefaultValue("1s") Duration stepDuration, @DefaultValue("3") int proxies,
            @DefaultValue("0") double proxyFailureProbability) {

        Emulator {
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
