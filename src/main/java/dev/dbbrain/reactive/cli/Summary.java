package dev.dbbrain.reactive.cli;

import java.time.Duration;
import java.util.Locale;

/**
 * The last thing a command prints: how its tasks ended and what that cost in requests and rate-limit waiting.
 *
 * @param tasks tasks followed
 * @param finished tasks that ended {@code finished}
 * @param failed tasks that ended {@code failed}
 * @param errors tasks whose outcome is unknown: the call or the watch failed
 * @param requests HTTP requests sent, retries included
 * @param throttled answers that refused a request as over the rate limit
 * @param retries requests that were retries
 * @param limiterWait time requests spent waiting for a permit of the client's limiter, summed over requests (so it
 *     can exceed {@code elapsed}: many requests wait at once)
 * @param elapsed wall-clock time of the command's work
 */
record Summary(int tasks, int finished, int failed, int errors, long requests, long throttled, long retries,
        Duration limiterWait, Duration elapsed) {

    /** One line for people; starts like it always has, so scripts grepping the first part keep working. */
    String text() {
        return String.format(Locale.ROOT, "%d task(s): %d finished, %d failed, %d error(s) in %.1f s; "
                        + "%d request(s), %d throttled, %d retried, total limiter wait %.1f s",
                tasks, finished, failed, errors, seconds(elapsed), requests, throttled, retries, seconds(limiterWait));
    }

    /** The exit code: an error outweighs a failed task, which outweighs success. */
    int exitCode() {
        return errors > 0 ? Cli.API_ERROR : failed > 0 ? Cli.TASK_FAILED : Cli.OK;
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
