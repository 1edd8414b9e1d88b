package dev.dbbrain.reactive;

import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Hears what a {@link DbbrainClient} does, for metrics and tracing: each HTTP request, each wait for a rate-limiter
 * permit, and the life of its watches. Extend it and override what you need; every method does nothing by default,
 * so new methods can be added without breaking implementations. Give it to
 * {@link DbbrainClient.Builder#eventListener(DbbrainEventListener)};
 * {@code dev.dbbrain.reactive.micrometer.DbbrainMicrometer} is the Micrometer implementation.
 *
 * <pre>{@code
 * DbbrainClient client = DbbrainClient.builder()
 *         .eventListener(new DbbrainEventListener() {
 *             @Override
 *             public void watchUpdated(TaskStatus status) {
 *                 log.info("a watched task is now {}", status);
 *             }
 *         })
 *         .build();
 * }</pre>
 *
 * <p>Implementations must not block and must be cheap: the wrapping methods run on every request, the callbacks on
 * Reactor and Netty threads. One listener may serve several clients at once.
 */
public abstract class DbbrainEventListener {

    /** Hears nothing: the default of every client. */
    public static final DbbrainEventListener NONE = new DbbrainEventListener() {
        @Override
        public String toString() {
            return "DbbrainEventListener.NONE";
        }
    };

    /** Creates a listener; extend this class and override what you need. */
    protected DbbrainEventListener() {
    }

    /**
     * Wraps the exchange of one HTTP request (one attempt of a call: a retry is another request), from the moment
     * its permit is granted to its decoded answer or failure. The subscriber's Reactor {@code Context} reaches
     * {@code exchange}, and whatever the wrapper writes into it reaches the HTTP client, so a tracing listener can
     * open a span here that Reactor Netty's own instrumentation nests under. The default returns {@code exchange}.
     *
     * @param action the API action, such as {@code CreateProxySessionKillTask}
     * @param exchange the request, cold; subscribe to it exactly once
     * @param requestId reads the service's {@code RequestId} from a decoded answer ({@code null} if it has none)
     * @param <T> the decoded answer
     * @return the exchange, observed
     */
    public <T> Mono<T> request(String action, Mono<T> exchange, Function<? super T, String> requestId) {
        return exchange;
    }

    /**
     * Wraps the wait for the rate-limiter permit of one request: subscribed when the request starts waiting,
     * completing when it may be sent (or failing, or cancelled with the call). The default returns {@code wait}.
     *
     * @param action the API action
     * @param wait the wait, cold; subscribe to it exactly once
     * @param <T> what the wait emits
     * @return the wait, observed
     */
    public <T> Mono<T> permitWait(String action, Mono<T> wait) {
        return wait;
    }

    /** A watch subscriber started. Exactly one {@link #watchEnded()} follows. */
    public void watchStarted() {
    }

    /** A watch subscriber ended: completed, failed or cancelled. */
    public void watchEnded() {
    }

    /**
     * A watch subscriber was refused because the client's {@link DbbrainClient.Builder#maxWatches(int) maxWatches}
     * subscribers were running: it got a {@link DbbrainCapacityException}, nothing was sent, and neither
     * {@link #watchStarted()} nor {@link #watchEnded()} is called for it.
     */
    public void watchRejected() {
    }

    /**
     * A watched task changed state (status, progress or proxy lists), once per change whatever the number of
     * subscribers sharing its poll loop.
     *
     * @param status the new state's status
     */
    public void watchUpdated(TaskStatus status) {
    }

    /**
     * With {@link DbbrainClient.Builder#watchSharing(WatchSharing) watch sharing}: this replica polled tasks for the
     * fleet, in one DescribeProxySessionKillTasks request for tasks of one instance whose poll slots it took; what it
     * learns is published to the other replicas. The request itself is also reported to {@link #request}.
     *
     * @param instanceId the instance
     * @param tasks how many tasks the request polls
     */
    public void sharedPollSent(String instanceId, int tasks) {
    }

    /**
     * With watch sharing: states of watched tasks came from the fleet, polled by another replica; no request was sent
     * for them here.
     *
     * @param instanceId the instance
     * @param states how many states of its tasks one round took
     */
    public void sharedStatesReceived(String instanceId, int states) {
    }

    /**
     * With watch sharing: this replica took over the poll of a task from the replica that held its slot and let the
     * lease run out without publishing (it died, or paused past its lease), or held it by a lock without a valid
     * lease.
     *
     * @param instanceId the instance
     * @param taskId the task
     */
    public void sharedPollTakenOver(String instanceId, long taskId) {
    }

    /**
     * With watch sharing: a state read from the fleet's store was ignored and never emitted; the task is polled
     * instead.
     *
     * @param instanceId the instance
     * @param taskId the task
     * @param reason {@code corrupt} (not the library's layout, too large, or not a valid answer), {@code foreign} (its
     *     MAC does not verify: written by something else, or under other credentials), {@code misplaced} (a state of
     *     another task or instance) or {@code regressed} (older than a state this replica has seen)
     */
    public void sharedStateRejected(String instanceId, long taskId, String reason) {
    }

    /**
     * With watch sharing: this replica polled tasks on its own, without the fleet, because the store was down or
     * slower than its timeout (one warning per outage is logged; sharing resumes when the store answers).
     *
     * @param instanceId the instance
     * @param tasks how many tasks the round polls
     */
    public void sharedPollFallback(String instanceId, int tasks) {
    }
}
