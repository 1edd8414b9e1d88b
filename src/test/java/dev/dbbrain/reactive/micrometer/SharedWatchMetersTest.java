package dev.dbbrain.reactive.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainEventListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The fleet's figures as Micrometer counters, tags bounded whatever the events carry. */
class SharedWatchMetersTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final DbbrainEventListener listener = DbbrainMicrometer.metrics(registry);

    @Test
    void pollsSentForTheFleetAndAloneStatesReceivedTakeOversAndRejectionsAreCounted() {
        listener.sharedPollSent("crs-meter001", 5);
        listener.sharedPollSent("crs-meter002", 1);
        listener.sharedPollFallback("crs-meter001", 5);
        listener.sharedStatesReceived("crs-meter001", 4);
        listener.sharedPollTakenOver("crs-meter001", 42);
        listener.sharedStateRejected("crs-meter001", 42, "foreign");
        listener.sharedStateRejected("crs-meter001", 42, "regressed");
        listener.sharedStateRejected("crs-meter001", 42, "something-else");

        assertThat(registry.get("dbbrain.watch.shared.polls").tag("shared", "true").counter().count()).isEqualTo(2);
        assertThat(registry.get("dbbrain.watch.shared.polls").tag("shared", "false").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("dbbrain.watch.shared.received").counter().count()).isEqualTo(4);
        assertThat(registry.get("dbbrain.watch.shared.takeovers").counter().count()).isEqualTo(1);
        assertThat(registry.get("dbbrain.watch.shared.rejected").tag("reason", "foreign").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("dbbrain.watch.shared.rejected").tag("reason", "regressed").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("dbbrain.watch.shared.rejected").tag("reason", "corrupt").counter().count())
                .isEqualTo(1);
        // No instance or task ID in any tag.
        assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags())
                .noneMatch(t -> t.getValue().startsWith("crs-") || t.getValue().equals("42")));
    }
}
