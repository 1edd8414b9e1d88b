package dev.dbbrain.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The stream caps as arithmetic: per client, all clients together, and a place released once only. */
class StreamLimitsTest {

    private final StreamLimits limits = new StreamLimits(new DashboardProperties.Streams(3, 2));

    @Test
    void aClientOverItsCapIsRefusedWhileOthersStillGetPlaces() {
        Runnable a1 = limits.acquire("10.0.0.1");
        limits.acquire("10.0.0.1");
        assertThatThrownBy(() -> limits.acquire("10.0.0.1")).isInstanceOfSatisfying(StreamLimits.TooManyStreams.class,
                e -> assertThat(e.setting()).isEqualTo("dashboard.streams.max-per-client"));
        limits.acquire("10.0.0.2");
        assertThat(limits.open()).isEqualTo(3);
        a1.run();
        a1.run();
        assertThat(limits.open()).as("released once, however often it is called").isEqualTo(2);
        limits.acquire("10.0.0.1");
    }

    @Test
    void allClientsTogetherStopAtTheGlobalCap() {
        limits.acquire("a");
        limits.acquire("b");
        limits.acquire("c");
        assertThatThrownBy(() -> limits.acquire("d")).isInstanceOfSatisfying(StreamLimits.TooManyStreams.class,
                e -> assertThat(e.setting()).isEqualTo("dashboard.streams.max-concurrent"));
        assertThat(limits.open()).isEqualTo(3);
    }
}
