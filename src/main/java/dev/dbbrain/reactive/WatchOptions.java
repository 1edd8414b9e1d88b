package dev.dbbrain.reactive;

import dev.dbbrain.reactive.internal.Validation;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * How a watch polls a task and when it gives up: an immutable spec, copied on every change (like Reactor's
 * {@code RetryBackoffSpec}).
 *
 * <pre>{@code
 * WatchOptions options = WatchOptions.defaults()
 *         .pollInterval(Duration.ofMillis(500))
 *         .growth(1.5, Duration.ofSeconds(5))
 *         .deadline(Duration.ofMinutes(10));
 * client.watch("crs-abcd1234", taskId, options).subscribe(System.out::println);
 * }</pre>
 *
 * <p>Defaults: poll every second, no growth, 10% jitter, no deadline, a 10 s grace for a task not visible yet,
 * {@code failed} completes the watch normally, timers on {@link Schedulers#parallel()} (resolved at subscription, so
 * {@code StepVerifier.withVirtualTime} can replace it).
 *
 * <p>Subscribers sharing one poll loop (the same client, instance, task and scheduler) may pass different options:
 * the loop polls as often as the most eager of them asks, while deadline, grace and the handling of {@code failed}
 * apply to each subscriber alone.
 */
public final class WatchOptions {

    private static final WatchOptions DEFAULTS = new WatchOptions(Duration.ofSeconds(1), 1.0, Duration.ofSeconds(1),
            0.1, null, Duration.ofSeconds(10), false, null);

    private final Duration pollInterval;
    private final double growthFactor;
    private final Duration maxInterval;
    private final double jitter;
    private final Duration deadline;
    private final Duration notFoundGrace;
    private final boolean failedAsError;
    private final Scheduler scheduler;

    private WatchOptions(Duration pollInterval, double growthFactor, Duration maxInterval, double jitter,
            Duration deadline, Duration notFoundGrace, boolean failedAsError, Scheduler scheduler) {
        this.pollInterval = pollInterval;
        this.growthFactor = growthFactor;
        this.maxInterval = maxInterval;
        this.jitter = jitter;
        this.deadline = deadline;
        this.notFoundGrace = notFoundGrace;
        this.failedAsError = failedAsError;
        this.scheduler = scheduler;
    }

    /**
     * Returns the default options.
     *
     * @return the defaults (a shared immutable instance)
     */
    public static WatchOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Sets the time between two polls while the task does not change; default 1 s. Without {@link #growth growth}
     * it is also the longest interval.
     *
     * @param interval a positive duration
     * @return a copy with the interval
     */
    public WatchOptions pollInterval(Duration interval) {
        Validation.requirePositive(interval, "pollInterval");
        Duration max = growthFactor == 1.0 || maxInterval.compareTo(interval) < 0 ? interval : maxInterval;
        return new WatchOptions(interval, growthFactor, max, jitter, deadline, notFoundGrace, failedAsError,
                scheduler);
    }

    /**
     * Makes the interval grow while the task does not change: after {@code n} unchanged polls in a row it is
     * {@code pollInterval * factor^n}, capped at {@code maxInterval}; a change resets it. Default: no growth.
     *
     * @param factor at least 1 ({@code 1} turns growth off)
     * @param maxInterval the longest interval, at least the poll interval
     * @return a copy with the growth
     */
    public WatchOptions growth(double factor, Duration maxInterval) {
        if (!(factor >= 1) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("growth factor must be at least 1 and finite, was " + factor);
        }
        Validation.requirePositive(maxInterval, "maxInterval");
        if (maxInterval.compareTo(pollInterval) < 0) {
            throw new IllegalArgumentException("maxInterval must be at least the poll interval " + pollInterval
                    + ", was " + maxInterval);
        }
        return new WatchOptions(pollInterval, factor, maxInterval, jitter, deadline, notFoundGrace, failedAsError,
                scheduler);
    }

    /**
     * Spreads polls: each interval is multiplied by a random factor in {@code [1 - jitter, 1 + jitter]}; default
     * 0.1.
     *
     * @param jitter in [0, 1)
     * @return a copy with the jitter
     */
    public WatchOptions jitter(double jitter) {
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("jitter must be in [0, 1), was " + jitter);
        }
        return new WatchOptions(pollInterval, growthFactor, maxInterval, jitter, deadline, notFoundGrace,
                failedAsError, scheduler);
    }

    /**
     * Sets a total time limit from subscription: when it passes before the task ends, the watch fails with a
     * {@link DbbrainWatchException} of reason {@link DbbrainWatchException.Reason#DEADLINE} carrying the last state
     * seen. Default: none.
     *
     * @param deadline a positive duration, or {@code null} for none
     * @return a copy with the deadline
     */
    public WatchOptions deadline(Duration deadline) {
        return new WatchOptions(pollInterval, growthFactor, maxInterval, jitter,
                deadline == null ? null : Validation.requirePositive(deadline, "deadline"), notFoundGrace,
                failedAsError, scheduler);
    }

    /**
     * Sets how long a task the service does not report yet is looked for (a task created a moment ago may not be
     * visible at once); after it the watch fails with reason {@link DbbrainWatchException.Reason#NOT_FOUND}.
     * Counted from subscription; default 10 s.
     *
     * @param grace zero or a positive duration
     * @return a copy with the grace period
     */
    public WatchOptions notFoundGrace(Duration grace) {
        Objects.requireNonNull(grace, "notFoundGrace must not be null");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("notFoundGrace must not be negative, was " + grace);
        }
        return new WatchOptions(pollInterval, growthFactor, maxInterval, jitter, deadline, grace, failedAsError,
                scheduler);
    }

    /**
     * Chooses what a task ending {@code failed} does to the watch: by default the state is emitted and the watch
     * completes; with {@code true} the state is emitted, then the watch fails with reason
     * {@link DbbrainWatchException.Reason#TASK_FAILED}.
     *
     * @param failedAsError whether {@code failed} ends the watch with an error
     * @return a copy with the choice
     */
    public WatchOptions failedAsError(boolean failedAsError) {
        return new WatchOptions(pollInterval, growthFactor, maxInterval, jitter, deadline, notFoundGrace,
                failedAsError, scheduler);
    }

    /**
     * Sets the scheduler of every timer of the watch (polls, deadline) and the clock it reads; default
     * {@link Schedulers#parallel()} at subscription.
     *
     * @param scheduler the scheduler
     * @return a copy with the scheduler
     */
    public WatchOptions scheduler(Scheduler scheduler) {
        return new WatchOptions(pollInterval, growthFactor, maxInterval, jitter, deadline, notFoundGrace,
                failedAsError, Objects.requireNonNull(scheduler, "scheduler must not be null"));
    }

    /**
     * Returns the poll interval.
     *
     * @return the interval while the task does not change
     */
    public Duration pollInterval() {
        return pollInterval;
    }

    /**
     * Returns the growth factor of the interval.
     *
     * @return at least 1; 1 means no growth
     */
    public double growthFactor() {
        return growthFactor;
    }

    /**
     * Returns the longest poll interval.
     *
     * @return the cap of the growing interval
     */
    public Duration maxInterval() {
        return maxInterval;
    }

    /**
     * Returns the jitter fraction.
     *
     * @return in [0, 1)
     */
    public double jitter() {
        return jitter;
    }

    /**
     * Returns the total time limit.
     *
     * @return the deadline, or empty for none
     */
    public Optional<Duration> deadline() {
        return Optional.ofNullable(deadline);
    }

    /**
     * Returns how long a task not visible yet is looked for.
     *
     * @return the grace period
     */
    public Duration notFoundGrace() {
        return notFoundGrace;
    }

    /**
     * Returns whether a {@code failed} task ends the watch with an error.
     *
     * @return {@code true} if it does
     */
    public boolean failedAsError() {
        return failedAsError;
    }

    /**
     * Returns the scheduler set with {@link #scheduler(Scheduler)}.
     *
     * @return the scheduler, or empty for {@link Schedulers#parallel()} at subscription
     */
    public Optional<Scheduler> scheduler() {
        return Optional.ofNullable(scheduler);
    }

    /** The delay before the next poll after {@code unchangedPolls} polls in a row that saw no change, in ms. */
    long nextDelayMillis(int unchangedPolls) {
        double capped = intervalMillis(unchangedPolls);
        double factor = jitter == 0 ? 1 : 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Math.max(1, Math.round(capped * factor));
    }

    /**
     * The interval after {@code unchangedPolls} polls in a row that saw no change, without jitter, in ms: how old a
     * state may be and still be as new as a poll of this watch would have given (what a fleet's shared state is
     * judged by).
     */
    long intervalMillis(int unchangedPolls) {
        double base = pollInterval.toMillis() * Math.pow(growthFactor, Math.min(unchangedPolls, 1000));
        return Math.max(1, Math.round(Math.min(base, maxInterval.toMillis())));
    }

    @Override
    public String toString() {
        return "WatchOptions[pollInterval=" + pollInterval + ", growthFactor=" + growthFactor + ", maxInterval="
                + maxInterval + ", jitter=" + jitter + ", deadline=" + deadline + ", notFoundGrace=" + notFoundGrace
                + ", failedAsError=" + failedAsError + ", scheduler=" + scheduler + "]";
    }
}
