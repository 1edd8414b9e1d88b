package dev.dbbrain.reactive.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlidingWindowCounterTest {

    @Test
    void countsEventsOfTheLastSecondOnly() {
        SlidingWindowCounter window = new SlidingWindowCounter(1000);
        assertThat(window.add(0)).isEqualTo(1);
        assertThat(window.add(0)).isEqualTo(2);
        assertThat(window.add(999)).isEqualTo(3);
        assertThat(window.count(999)).isEqualTo(3);
        assertThat(window.count(1000)).as("events at 0 leave at exactly 1000").isEqualTo(1);
        assertThat(window.count(1999)).isZero();
    }

    @Test
    void memoryIsOneBucketPerMillisecondWhateverTheRate() {
        SlidingWindowCounter window = new SlidingWindowCounter(1000);
        for (int i = 0; i < 100_000; i++) {
            window.add(i / 10);
        }
        assertThat(window.buckets()).isEqualTo(1000);
        assertThat(window.count(9_999)).isEqualTo(10_000);
        for (int i = 0; i < 10_000; i++) {
            window.add(50_000);
        }
        assertThat(window.buckets()).isEqualTo(1);
    }

    @Test
    void aClockSetBackCountsAsTheLatestInstant() {
        SlidingWindowCounter window = new SlidingWindowCounter(1000);
        window.add(5_000);
        assertThat(window.add(1_000)).isEqualTo(2);
        assertThat(window.buckets()).isEqualTo(1);
        assertThat(window.count(6_000)).isZero();
    }
}
