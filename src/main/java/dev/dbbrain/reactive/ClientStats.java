package dev.dbbrain.reactive;

/**
 * What a {@link DbbrainClient} has done so far and is doing now, taken at one instant.
 *
 * <p>The watch figures are exact by the time a subscriber is told its watch ended ({@code onComplete} or
 * {@code onError}): its place, and its task unless others still watch it, are given back before the signal, so a
 * subscriber reading them there, or code that runs after it, sees them without the ended watch.
 * {@code pollsInFlight} too, once the last watch of an instance has been told its end: an answer that leaves an
 * instance with no watched task is done with before its subscribers hear of it. While other watches of the instance
 * run, a request counts until its answer has been handled, the subscribers it ended told included, so that zero
 * means every answer received has been acted on.
 *
 * @param requests HTTP requests sent (first attempts and retries, both actions)
 * @param retries attempts that were retries
 * @param throttled answers that refused a request as over the rate limit
 * @param clockCorrections times the clock offset was corrected after {@code AuthFailure.SignatureExpire}
 * @param watchedInstances instances with at least one watched task
 * @param watchedTasks tasks that some subscriber watches, each polled by one loop
 * @param pollsInFlight Describe requests of watches waiting for a permit or an answer
 * @param timers poll timers pending
 * @param watchSubscribers watch subscribers not yet ended (completed, failed or cancelled): what
 *     {@code maxWatches} counts
 * @param maxWatches the most watch subscribers the client runs at once, set with
 *     {@link DbbrainClient.Builder#maxWatches(int)}; a watch subscribed beyond it fails with
 *     {@link DbbrainCapacityException}
 * @param sharedPollsSent with {@link DbbrainClient.Builder#watchSharing(WatchSharing) watch sharing}: Describe
 *     requests this replica sent for the fleet, for tasks whose poll slots it took (their states were published to
 *     the other replicas); 0 without sharing
 * @param sharedStatesReceived with watch sharing: task states this replica took from the fleet, polled by another
 *     replica, with no request of its own
 * @param sharedPollsTakenOver with watch sharing: task polls this replica took over from a replica that held the
 *     task's slot and let its lease run out without publishing (it died, or paused past its lease)
 * @param sharedStatesRejected with watch sharing: states read from the fleet's store and ignored, never emitted:
 *     corrupt, written by something else, for another task, or going back from a state already seen
 * @param sharedFallbackPolls with watch sharing: Describe requests of the watches this replica sent on its own,
 *     without asking the store, because the store was down or slow
 */
public record ClientStats(long requests, long retries, long throttled, long clockCorrections, int watchedInstances,
        int watchedTasks, int pollsInFlight, int timers, int watchSubscribers, int maxWatches, long sharedPollsSent,
        long sharedStatesReceived, long sharedPollsTakenOver, long sharedStatesRejected, long sharedFallbackPolls) {
}
