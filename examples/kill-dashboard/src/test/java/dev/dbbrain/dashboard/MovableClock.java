package dev.dbbrain.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The system's UTC clock plus an offset that only a test moves: with the emulator's step far longer than a test
 * runs, a task changes state when, and only when, the test says so.
 */
final class MovableClock extends Clock {

    private final AtomicLong offsetMillis = new AtomicLong();

    /** Moves the time forward; safe from any thread, never blocks. */
    void advance(Duration by) {
        offsetMillis.addAndGet(by.toMillis());
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + offsetMillis.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }
}
