package dev.dbbrain.reactive.micrometer;

import dev.dbbrain.reactive.DbbrainCapacityException;
import dev.dbbrain.reactive.DbbrainEventListener;
import dev.dbbrain.reactive.TaskStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/** Records a client's calls, requests, limiter waits and watches in Micrometer. */
final class MicrometerListener extends DbbrainEventListener {

    static final String CALLS = "dbbrain.client.calls";
    static final String REQUESTS = "dbbrain.client.requests";
    static final String LIMITER_WAIT = "dbbrain.limiter.wait";
    static final String LIMITER_QUEUED = "dbbrain.limiter.queued";
    static final String LIMITER_REJECTED = "dbbrain.limiter.rejected";
    static final String WATCH_ACTIVE = "dbbrain.watch.active";
    static final String WATCH_UPDATES = "dbbrain.watch.updates";
    static final String WATCH_REJECTED = "dbbrain.watch.rejected";
    static final String SHARED_POLLS = "dbbrain.watch.shared.polls";
    static final String SHARED_RECEIVED = "dbbrain.watch.shared.received";
    static final String SHARED_TAKEOVERS = "dbbrain.watch.shared.takeovers";
    static final String SHARED_REJECTED = "dbbrain.watch.shared.rejected";
    /** The reasons {@link DbbrainEventListener#sharedStateRejected} documents; anything else counts as corrupt. */
    private static final java.util.List<String> REJECTION_REASONS = java.util.List.of("corrupt", "foreign",
            "misplaced", "regressed");

    /**
     * The gauges' values, one set per registry: a gauge registered twice under one name is the first one, so every
     * client reporting to a registry adds into the same numbers. Weak keys: a registry that goes away takes its
     * entry along (the values do not refer to it).
     */
    private static final Map<MeterRegistry, Gauges> GAUGES = Collections.synchronizedMap(new WeakHashMap<>());

    private record Gauges(AtomicInteger queued, AtomicInteger activeWatches) {
    }

    private final MeterRegistry registry;
    private final ObservationRegistry observations;
    private final Gauges gauges;
    private final Map<String, Timer> waits = new ConcurrentHashMap<>();
    /** The attempts' contextual names by action, built once rather than per attempt. */
    private final Map<String, String> attemptNames = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejections = new ConcurrentHashMap<>();
    private final Map<TaskStatus, Counter> updates = new EnumMap<>(TaskStatus.class);
    private final Counter rejected;
    private final Counter sharedPolls;
    private final Counter fallbackPolls;
    private final Counter sharedReceived;
    private final Counter sharedTakeovers;
    private final Map<String, Counter> sharedRejected = new ConcurrentHashMap<>();

    MicrometerListener(MeterRegistry registry, ObservationRegistry observations) {
        this.registry = registry;
        this.observations = observations;
        this.gauges = GAUGES.computeIfAbsent(registry, r -> {
            Gauges g = new Gauges(new AtomicInteger(), new AtomicInteger());
            Gauge.builder(LIMITER_QUEUED, g.queued(), AtomicInteger::get).strongReference(true)
                    .description("Requests waiting for a rate-limiter permit").register(r);
            Gauge.builder(WATCH_ACTIVE, g.activeWatches(), AtomicInteger::get).strongReference(true)
                    .description("Watch subscribers not ended").register(r);
            return g;
        });
        for (TaskStatus status : TaskStatus.values()) {
            updates.put(status, Counter.builder(WATCH_UPDATES).tag("status", status.name().toLowerCase(Locale.ROOT))
                    .description("Task state changes seen by watches").register(registry));
        }
        rejected = Counter.builder(WATCH_REJECTED)
                .description("Watch subscribers refused because the client's maxWatches were running")
                .register(registry);
        sharedPolls = Counter.builder(SHARED_POLLS).tag("shared", "true")
                .description("Describe requests of watches this replica sent: for the fleet (shared) or on its own "
                        + "while the fleet's Redis was unreachable")
                .register(registry);
        fallbackPolls = Counter.builder(SHARED_POLLS).tag("shared", "false")
                .description("Describe requests of watches this replica sent: for the fleet (shared) or on its own "
                        + "while the fleet's Redis was unreachable")
                .register(registry);
        sharedReceived = Counter.builder(SHARED_RECEIVED)
                .description("Task states this replica took from the fleet, polled by another replica")
                .register(registry);
        sharedTakeovers = Counter.builder(SHARED_TAKEOVERS)
                .description("Task polls taken over from a replica that held them and published nothing")
                .register(registry);
        for (String reason : REJECTION_REASONS) {
            sharedRejected.put(reason, Counter.builder(SHARED_REJECTED).tag("reason", reason)
                    .description("States read from the fleet's Redis and ignored, never emitted").register(registry));
        }
    }

    @Override
    public <T> Mono<T> call(Call call, Mono<T> execution) {
        return observe(CALLS, call.action(), o -> o
                .lowCardinalityKeyValue(RequestTags.ACTION, call.action())
                .highCardinalityKeyValue(RequestTags.CALL_ID, call.id())
                .highCardinalityKeyValue(RequestTags.INSTANCE_ID, call.instanceId()), execution, null);
    }

    @Override
    public <T> Mono<T> request(Attempt attempt, Mono<T> exchange, Function<? super T, String> requestId) {
        Call call = attempt.call();
        return observe(REQUESTS, attemptNames.computeIfAbsent(call.action(), a -> a + " attempt"), o -> o
                .lowCardinalityKeyValue(RequestTags.ACTION, call.action())
                .lowCardinalityKeyValue(RequestTags.RESEND, RequestTags.resend(attempt.number()))
                .highCardinalityKeyValue(RequestTags.CALL_ID, call.id())
                .highCardinalityKeyValue(RequestTags.INSTANCE_ID, call.instanceId())
                .highCardinalityKeyValue(RequestTags.RESEND_COUNT, Integer.toString(attempt.number())),
                exchange, requestId);
    }

    /**
     * Observes {@code source} as a child of the observation in the subscriber's context (if any), and puts its own
     * observation into the context of {@code source}: the attempts' observations nest under their call's, and the
     * HTTP client's under its attempt's. Stopped once, on the first of answer, error and cancel.
     *
     * @param keys sets the observation's key values before it starts
     * @param requestId reads the {@code RequestId} of an answer, or {@code null} to record none from answers
     */
    private <T> Mono<T> observe(String name, String contextualName, Consumer<Observation> keys, Mono<T> source,
            Function<? super T, String> requestId) {
        return Mono.deferContextual(context -> {
            Observation parent = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
            Observation observation = Observation.createNotStarted(name, observations)
                    .contextualName(contextualName)
                    .parentObservation(parent);
            keys.accept(observation);
            observation.start();
            AtomicBoolean stopped = new AtomicBoolean();
            return source
                    .doOnSuccess(answer -> {
                        if (stopped.compareAndSet(false, true)) {
                            String id = answer == null || requestId == null ? null : requestId.apply(answer);
                            if (id != null) {
                                observation.highCardinalityKeyValue(RequestTags.REQUEST_ID, id);
                            }
                            stop(observation, RequestTags.SUCCESS, RequestTags.NONE);
                        }
                    })
                    .doOnError(error -> {
                        if (stopped.compareAndSet(false, true)) {
                            String id = RequestTags.requestId(error);
                            if (id != null) {
                                observation.highCardinalityKeyValue(RequestTags.REQUEST_ID, id);
                            }
                            observation.error(error);
                            stop(observation, RequestTags.outcome(error), RequestTags.errorCode(error));
                        }
                    })
                    .doOnCancel(() -> {
                        if (stopped.compareAndSet(false, true)) {
                            stop(observation, RequestTags.CANCELLED, RequestTags.NONE);
                        }
                    })
                    .contextWrite(c -> c.put(ObservationThreadLocalAccessor.KEY, observation));
        });
    }

    private static void stop(Observation observation, String outcome, String errorCode) {
        observation.lowCardinalityKeyValue(RequestTags.OUTCOME, outcome)
                .lowCardinalityKeyValue(RequestTags.ERROR_CODE, errorCode)
                .stop();
    }

    @Override
    public <T> Mono<T> permitWait(String action, Mono<T> acquire) {
        Timer wait = waits.computeIfAbsent(action, a -> Timer.builder(LIMITER_WAIT).tag(RequestTags.ACTION, a)
                .description("Wait for a rate-limiter permit").register(registry));
        return Mono.defer(() -> {
            Timer.Sample sample = Timer.start(registry);
            AtomicBoolean left = new AtomicBoolean();
            Runnable leave = () -> {
                if (left.compareAndSet(false, true)) {
                    gauges.queued().decrementAndGet();
                }
            };
            gauges.queued().incrementAndGet();
            return acquire
                    .doOnSuccess(v -> {
                        leave.run();
                        sample.stop(wait);
                    })
                    .doOnError(e -> {
                        leave.run();
                        if (e instanceof DbbrainCapacityException) {
                            rejected(action).increment();
                        }
                    })
                    .doOnCancel(leave);
        });
    }

    /** Requests the limiter refused because its queue was full ({@code maxQueued}); registered on first use. */
    private Counter rejected(String action) {
        return rejections.computeIfAbsent(action, a -> Counter.builder(LIMITER_REJECTED).tag(RequestTags.ACTION, a)
                .description("Requests refused, unsent, because too many already waited for a rate-limiter permit")
                .register(registry));
    }

    @Override
    public void watchStarted() {
        gauges.activeWatches().incrementAndGet();
    }

    @Override
    public void watchEnded() {
        gauges.activeWatches().decrementAndGet();
    }

    @Override
    public void watchRejected() {
        rejected.increment();
    }

    @Override
    public void watchUpdated(TaskStatus status) {
        updates.get(status).increment();
    }

    @Override
    public void sharedPollSent(String instanceId, int tasks) {
        sharedPolls.increment();
    }

    @Override
    public void sharedPollFallback(String instanceId, int tasks) {
        fallbackPolls.increment();
    }

    @Override
    public void sharedStatesReceived(String instanceId, int states) {
        sharedReceived.increment(states);
    }

    @Override
    public void sharedPollTakenOver(String instanceId, long taskId) {
        sharedTakeovers.increment();
    }

    @Override
    public void sharedStateRejected(String instanceId, long taskId, String reason) {
        // The tag's values stay the documented few, whatever a caller passes.
        sharedRejected.getOrDefault(reason, sharedRejected.get("corrupt")).increment();
    }

    @Override
    public String toString() {
        return "DbbrainMicrometer[" + registry.getClass().getSimpleName() + "]";
    }
}
