package dev.dbbrain.reactive.emulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A UTC clock that stands still until a test moves it; safe to read from any thread. */
final class MutableClock extends Clock {

    private final AtomicLong millis;

    private MutableClock(AtomicLong millis) {
        this.millis = millis;
    }

    static MutableClock at(String instant) {
        return new MutableClock(new AtomicLong(Instant.parse(instant).toEpochMilli()));
    }

    void advance(Duration by) {
        millis.addAndGet(by.toMillis());
    }

    long epochSecond() {
        return Math.floorDiv(millis.get(), 1000);
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
