package dev.dbbrain.reactive.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbbrain.reactive.testing.SendStamps.Send;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@link RateClaim} accepts and refuses, on sends made up with exact times. */
class RateClaimTest {

    private static final String DESCRIBE = "DescribeProxySessionKillTasks";
    private static final long MS = 1_000_000L;

    /** {@code n} sends {@code spacingMs} apart; the one at {@code refused} (or none, -1) answered with a refusal. */
    private static List<Send> spaced(int n, long spacingMs, int refused) {
        List<Send> sends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sends.add(new Send(DESCRIBE, 5_000 * MS + i * spacingMs * MS, i == refused));
        }
        return sends;
    }

    @Test
    void theSlidingSecondEndsAtEachSendAndExcludesTheSendExactlyOneSecondEarlier() {
        assertThat(SendStamps.maxPerSlidingSecond(spaced(21, 50, -1))).containsEntry(DESCRIBE, 20);
        assertThat(SendStamps.maxPerSlidingSecond(spaced(21, 49, -1))).containsEntry(DESCRIBE, 21);
    }

    @Test
    void aRefusalTheEmulatorMadeOnSendsWithinTheLimitIsArrivalBunchingAndPasses() {
        List<Send> sends = spaced(40, 53, 25);
        assertThatCode(() -> RateClaim.assertWithin(20, sends, Map.of(DESCRIBE, 40L), 1, Map.of(DESCRIBE, 21), false))
                .doesNotThrowAnyException();
    }

    @Test
    void aTwentyFirstSendInOneSecondFailsWhateverTheEmulatorSaw() {
        List<Send> sends = spaced(40, 45, -1);
        assertThatThrownBy(() -> RateClaim.assertWithin(20, sends, Map.of(DESCRIBE, 40L), 0, Map.of(DESCRIBE, 20),
                false)).isInstanceOf(AssertionError.class).hasMessageContaining("client-side sends");
    }

    @Test
    void aRequestTheEmulatorReceivedOutsideTheMeasurementFails() {
        List<Send> sends = spaced(40, 53, -1);
        assertThatThrownBy(() -> RateClaim.assertWithin(20, sends, Map.of(DESCRIBE, 41L), 0, Map.of(DESCRIBE, 20),
                false)).isInstanceOf(AssertionError.class).hasMessageContaining("exactly the stamped requests");
    }

    @Test
    void aRefusalTheClientNeverReadFails() {
        List<Send> sends = spaced(40, 53, -1);
        assertThatThrownBy(() -> RateClaim.assertWithin(20, sends, Map.of(DESCRIBE, 40L), 1, Map.of(DESCRIBE, 21),
                false)).isInstanceOf(AssertionError.class).hasMessageContaining("was read as the answer");
    }

    @Test
    void anEmulatorSecondAboveTheLimitWithoutARefusalFails() {
        List<Send> sends = spaced(40, 53, -1);
        assertThatThrownBy(() -> RateClaim.assertWithin(20, sends, Map.of(DESCRIBE, 40L), 0, Map.of(DESCRIBE, 21),
                false)).isInstanceOf(AssertionError.class).hasMessageContaining("busiest second");
    }
}
