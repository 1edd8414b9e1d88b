package dev.dbbrain.reactive.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Mapping Redis's clock onto this JVM's: narrowed by quick round trips, reset by a clock step. */
class RedisClockTest {

    /** Redis's clock runs 1,000,000 ns ahead of the local one in these examples. */
    private static final long OFFSET = 1_000_000;

    @Test
    void slowRoundTripsLeaveTheOffsetAsUncertainAsTheyAre() {
        RedisClock clock = new RedisClock();
        // Sent at 0, answered at 40 ms; Redis read its clock at local 30 ms.
        clock.sample(30_000_000 + OFFSET, 0, 40_000_000);
        long slot = 100_000_000 + OFFSET;
        assertThat(clock.latest(slot)).isEqualTo(110_000_000);
        assertThat(clock.earliest(slot)).isEqualTo(70_000_000);
    }

    @Test
    void oneQuickRoundTripNarrowsTheOffsetForGood() {
        RedisClock clock = new RedisClock();
        clock.sample(30_000_000 + OFFSET, 0, 40_000_000);
        clock.sample(50_100_000 + OFFSET, 50_000_000, 50_200_000);
        clock.sample(80_000_000 + OFFSET, 60_000_000, 95_000_000);
        long slot = 200_000_000 + OFFSET;
        assertThat(clock.earliest(slot)).isEqualTo(199_900_000);
        assertThat(clock.latest(slot)).isEqualTo(200_100_000);
    }

    @Test
    void anAnswerOutsideTheKnownOffsetMeansAClockStepped() {
        RedisClock clock = new RedisClock();
        clock.sample(10_100_000 + OFFSET, 10_000_000, 10_200_000);
        // Redis's wall clock stepped back by a second.
        clock.sample(20_100_000 + OFFSET - 1_000_000_000, 20_000_000, 20_200_000);
        long slot = 30_000_000 + OFFSET - 1_000_000_000;
        assertThat(clock.earliest(slot)).isEqualTo(29_900_000);
        assertThat(clock.latest(slot)).isEqualTo(30_100_000);
    }
}
