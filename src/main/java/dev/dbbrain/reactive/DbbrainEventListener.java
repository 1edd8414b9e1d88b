package dev.dbbrain.reactive;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Hears what a {@link DbbrainClient} does, for metrics, logs and tracing: each call with its attempts (HTTP
 * requests) and their waits for a rate-limiter permit, and the life of its watches. Extend it and override what you
 * need; every method does nothing by default, so new methods can be added without breaking implementations. Give it
 * to {@link DbbrainClient.Builder#eventListener(DbbrainEventListener)};
 * {@code dev.dbbrain.reactive.micrometer.DbbrainMicrometer} is the Micrometer implementation.
 *
 * <pre>{@code
 * DbbrainClient client = DbbrainClient.builder()
 *         .eventListener(new DbbrainEventListener() {
 *             @Override
 *             public <T> Mono<T> request(Attempt attempt, Mono<T> exchange, Function<? super T, String> requestId) {
 *                 Call call = attempt.call();
 *                 return exchange.doOnError(e -> log.warn("{} on {}: attempt {} of call {} failed",
 *                         call.action(), call.instanceId(), attempt.number(), call.id(), e));
 *             }
 *
 *             @Override
 *             public void watchUpdated(String instanceId, TaskInfo state) {
 *                 log.info("task {} on {} is now {}", state.asyncRequestId(), instanceId, state.status());
 *             }
 *         })
 *         .build();
 * }</pre>
 *
 * <p><b>Identity.</b> A <em>call</em> is one subscription of {@link DbbrainClient#createProxySessionKillTask} or
 * {@link DbbrainClient#describeProxySessionKillTasks}, or one poll round of the watches of an instance (one Describe
 * of up to {@code maxBatch} tasks): it is described by one {@link Call}, passed to {@link #call(Call, Mono)} and
 * reached from every {@link Attempt} of it. An attempt is one request sent (after its permit wait): the first is
 * number 0, each retry (and the resend after a clock correction) the next. The watch events name the instance and
 * the task.
 *
 * <p><b>Older methods.</b> Each event with an identity has an older overload without it ({@code request(String, ...)},
 * {@code permitWait(String, ...)}, {@code watchStarted()}, and so on). The client calls only the newer method, whose
 * default calls the older one: so a listener that overrides only the older method keeps hearing every event, and one
 * that overrides the newer method hears it there (the older one is then not called, unless its override calls
 * {@code super}). Override one of the two.
 *
 * <p>Implementations must not block and must be cheap: the wrapping methods run on every call and every request, the
 * callbacks on Reactor and Netty threads. One listener may serve several clients at once.
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
     * Wraps one whole call: resolving the credentials, every attempt with its permit wait, and the backoffs between
     * them, until the caller gets its answer or error (or cancels). Subscribed once per call, before any of its
     * attempts; what the wrapper writes into the Reactor {@code Context} reaches {@link #request(Attempt, Mono,
     * Function)} and {@link #permitWait(Attempt, Mono)} of every attempt, so a tracing listener opens the call's span
     * here and the attempts' spans under it: one trace per call even when the caller has no span of its own. The
     * default returns {@code execution}.
     *
     * @param call which call this is
     * @param execution the call, cold; subscribe to it exactly once
     * @param <T> the decoded answer
     * @return the call, observed
     */
    public <T> Mono<T> call(Call call, Mono<T> execution) {
        return execution;
    }

    /**
     * Wraps the exchange of one attempt of a call (one HTTP request: a retry is another), from the moment its permit
     * is granted to its decoded answer or failure. The subscriber's Reactor {@code Context} reaches {@code exchange},
     * and whatever the wrapper writes into it reaches the HTTP client, so a tracing listener can open a span here that
     * Reactor Netty's own instrumentation nests under. The default calls {@link #request(String, Mono, Function)}
     * with the call's action.
     *
     * @param attempt which attempt of which call this is
     * @param exchange the request, cold; subscribe to it exactly once
     * @param requestId reads the service's {@code RequestId} from a decoded answer ({@code null} if it has none)
     * @param <T> the decoded answer
     * @return the exchange, observed
     */
    public <T> Mono<T> request(Attempt attempt, Mono<T> exchange, Function<? super T, String> requestId) {
        return request(attempt.call().action(), exchange, requestId);
    }

    /**
     * The older form of {@link #request(Attempt, Mono, Function)}, without the attempt's identity: called by that
     * method's default, so once per attempt for a listener that does not override it. The default returns
     * {@code exchange}.
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
     * Wraps the wait for the rate-limiter permit of one attempt: subscribed when the attempt starts waiting,
     * completing when it may be sent (or failing, or cancelled with the call). The default calls
     * {@link #permitWait(String, Mono)} with the call's action.
     *
     * @param attempt which attempt of which call waits
     * @param wait the wait, cold; subscribe to it exactly once
     * @param <T> what the wait emits
     * @return the wait, observed
     */
    public <T> Mono<T> permitWait(Attempt attempt, Mono<T> wait) {
        return permitWait(attempt.call().action(), wait);
    }

    /**
     * The older form of {@link #permitWait(Attempt, Mono)}, without the attempt's identity: called by that method's
     * default. The default returns {@code wait}.
     *
     * @param action the API action
     * @param wait the wait, cold; subscribe to it exactly once
     * @param <T> what the wait emits
     * @return the wait, observed
     */
    public <T> Mono<T> permitWait(String action, Mono<T> wait) {
        return wait;
    }

    /**
     * A watch subscriber of a task started. Exactly one {@link #watchEnded(String, long)} follows. The default calls
     * {@link #watchStarted()}.
     *
     * @param instanceId the instance the task works on
     * @param taskId the task's {@code AsyncRequestId}
     */
    public void watchStarted(String instanceId, long taskId) {
        watchStarted();
    }

    /** The older form of {@link #watchStarted(String, long)}, called by its default. */
    public void watchStarted() {
    }

    /**
     * A watch subscriber of a task ended: completed, failed or cancelled. The default calls {@link #watchEnded()}.
     *
     * @param instanceId the instance the task works on
     * @param taskId the task's {@code AsyncRequestId}
     */
    public void watchEnded(String instanceId, long taskId) {
        watchEnded();
    }

    /** The older form of {@link #watchEnded(String, long)}, called by its default. */
    public void watchEnded() {
    }

    /**
     * A watch subscriber was refused because the client's {@link DbbrainClient.Builder#maxWatches(int) maxWatches}
     * subscribers were running: it got a {@link DbbrainCapacityException}, nothing was sent, and no watch start or
     * end is reported for it. The default calls {@link #watchRejected()}.
     *
     * @param instanceId the instance of the refused watch
     * @param taskId the task it would have watched; empty for {@link DbbrainClient#killProxySessions(String)
     *     killProxySessions}, refused before its task was created
     */
    public void watchRejected(String instanceId, OptionalLong taskId) {
        watchRejected();
    }

    /** The older form of {@link #watchRejected(String, OptionalLong)}, called by its default. */
    public void watchRejected() {
    }

    /**
     * A watched task changed state (status, progress or proxy lists), once per change whatever the number of
     * subscribers sharing its poll loop. The default calls {@link #watchUpdated(TaskStatus)} with the state's status.
     *
     * @param instanceId the instance the task works on
     * @param state the task's new state
     */
    public void watchUpdated(String instanceId, TaskInfo state) {
        watchUpdated(state.taskStatus());
    }

    /**
     * The older form of {@link #watchUpdated(String, TaskInfo)}, called by its default.
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

    /**
     * One call of a client, shared by all its attempts: the same instance is passed to {@link #call(Call, Mono)} and
     * reached from each {@link Attempt#call()}. Immutable; made by the client only.
     */
    public static final class Call {

        private final String idPrefix;
        private final long sequence;
        private final String action;
        private final String instanceId;
        /** Built on first use: most calls of a client without a listener never need it. */
        private String id;

        Call(String idPrefix, long sequence, String action, String instanceId) {
            this.idPrefix = idPrefix;
            this.sequence = sequence;
            this.action = action;
            this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        }

        /**
         * Returns the call's ID, unique among the calls of a client and, with overwhelming likelihood, among those of
         * other clients: a random prefix drawn once per client, a dash, and the client's count of calls, such as
         * {@code 3f09c2a1b7e4-17}. It tells nothing about the credentials.
         *
         * @return the call's ID
         */
        public String id() {
            String s = id;
            if (s == null) {
                s = idPrefix + '-' + sequence;
                id = s;
            }
            return s;
        }

        /**
         * Returns the API action.
         *
         * @return {@code CreateProxySessionKillTask} or {@code DescribeProxySessionKillTasks}
         */
        public String action() {
            return action;
        }

        /**
         * Returns the instance the call acts on (both actions name one).
         *
         * @return the Redis instance ID
         */
        public String instanceId() {
            return instanceId;
        }

        /** Shows the ID, action and instance. */
        @Override
        public String toString() {
            return "Call[id=" + id() + ", action=" + action + ", instanceId=" + instanceId + "]";
        }
    }

    /** One attempt of a call: one request sent. Immutable; made by the client only. */
    public static final class Attempt {

        private final Call call;
        private final int number;

        Attempt(Call call, int number) {
            this.call = call;
            this.number = number;
        }

        /**
         * Returns the call this attempt belongs to, the same instance for every attempt of it.
         *
         * @return the call
         */
        public Call call() {
            return call;
        }

        /**
         * Returns how many attempts of the call came before this one: 0 for the first send, as OpenTelemetry's
         * {@code http.request.resend_count}.
         *
         * @return the attempt's number, from 0
         */
        public int number() {
            return number;
        }

        /** Shows the call and the number. */
        @Override
        public String toString() {
            return "Attempt[" + number + " of " + call + "]";
        }
    }
}
