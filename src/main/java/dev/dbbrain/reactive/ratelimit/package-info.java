/**
 * Rate limiting: {@link dev.dbbrain.reactive.ratelimit.RateLimiter}, the contract every request of a client goes
 * through, its built-in token bucket ({@link dev.dbbrain.reactive.ratelimit.RateLimiter#builder()}) and
 * {@link dev.dbbrain.reactive.ratelimit.RateLimiterState}. The implementations are package-private; a limiter whose
 * budget lives in Redis is in {@code dev.dbbrain.reactive.ratelimit.redis}.
 *
 * <p>Design notes:
 * <ul>
 *   <li>The bucket ({@code TokenBucket}) is a FIFO queue in front of a continuously refilled bucket and one timer,
 *       not reservations: a reservation cannot be handed back when its waiter cancels without shifting every later
 *       one.
 *   <li>A grant is not a send: a cold JVM or a pause can hold granted requests and release them together, and the
 *       service counts arrivals. So the bucket's permits also pace the write itself ({@code WritePacer}): a ring of
 *       the last {@code burst + floor(rate)} write times, updated with the real write time, and a minimum gap
 *       between writes. Measured against the emulator: without the pacer a cold CLI run peaked at 22-30 Creates in
 *       one second; with it, 20. A limiter of the user's own gets the same pacing at the rate it reports, unless it
 *       overrides {@code acquirePermit}. The pacer's last check runs on the connection's event loop, in the task
 *       that writes: a timer thread only wakes the request, so a starved loop cannot write a bunch of them late and
 *       together (it did, under CPU hogs: 33 in one second).
 * </ul>
 */
package dev.dbbrain.reactive.ratelimit;
