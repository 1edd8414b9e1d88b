package dev.dbbrain.reactive.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import reactor.core.scheduler.Scheduler;

/** A UTC clock that reads a scheduler's time (a {@code VirtualTimeScheduler}'s), plus a fixed epoch. */
public final class SchedulerClock extends Clock {

    private final Scheduler scheduler;
    private final Instant epoch;

    /** Reads {@code epoch} plus the scheduler's milliseconds; {@link Instant#EPOCH} reads the scheduler as is. */
    public SchedulerClock(Scheduler scheduler, Instant epoch) {
        this.scheduler = scheduler;
        this.epoch = epoch;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return epoch.plusMillis(scheduler.now(TimeUnit.MILLISECONDS));
    }
}
