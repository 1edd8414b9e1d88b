package dev.dbbrain.reactive.internal;

import java.util.concurrent.TimeUnit;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A clock and a timer for the limiter. The JVM-wide default reads {@link System#nanoTime()} and resolves
 * {@link Schedulers#parallel()} for each timer, so that it never captures a scheduler a test swapped in.
 */
public interface TimeSource {

    TimeSource SYSTEM = new TimeSource() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Scheduler scheduler() {
            return Schedulers.parallel();
        }
    };

    long nanoTime();

    Scheduler scheduler();

    static TimeSource of(Scheduler scheduler) {
        return new TimeSource() {
            @Override
            public long nanoTime() {
                return scheduler.now(TimeUnit.NANOSECONDS);
            }

            @Override
            public Scheduler scheduler() {
                return scheduler;
            }
        };
    }
}
