package dev.dbbrain.reactive.micrometer;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DbbrainEventListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;

/**
 * Micrometer meters and observations for a {@link DbbrainClient}: pass one of these to
 * {@link DbbrainClient.Builder#eventListener}. Under Spring Boot the auto-configuration does it for you.
 *
 * <pre>{@code
 * DbbrainClient client = DbbrainClient.builder()
 *         .eventListener(DbbrainMicrometer.metrics(meterRegistry))
 *         .build();
 * }</pre>
 *
 * <p>Meters (all tags bounded: never a call, task, instance or request ID, never a credential):
 * <ul>
 *   <li>{@code dbbrain.client.requests}, timer of each HTTP request (an attempt of a call: a retry is another
 *       request), tags {@code action}, {@code resend} ({@code false} on the first send of a call, {@code true} on
 *       its retries), {@code outcome} ({@code SUCCESS}, the {@link dev.dbbrain.reactive.ErrorCategory} of the
 *       failure, {@code CANCELLED} or {@code UNKNOWN}) and {@code error.code} (the service's error code, its
 *       family for codes not listed by the API, {@code HTTP_<status>}, {@code TRANSPORT}, {@code DECODING} or
 *       {@code none}). It comes from the request's observation through Micrometer's
 *       {@code DefaultMeterObservationHandler}, which also adds {@code error} (exception class or {@code none}) and
 *       a long task timer {@code dbbrain.client.requests.active} (tags {@code action}, {@code resend});
 *   <li>{@code dbbrain.client.calls}, timer of each call as its caller sees it (its attempts, their permit waits and
 *       the backoffs between them), tags {@code action}, {@code outcome}, {@code error.code} and {@code error} of
 *       its end, from the call's observation; with {@code dbbrain.client.calls.active} (tag {@code action});
 *   <li>{@code dbbrain.limiter.wait}, timer of the wait for a rate-limiter permit, tag {@code action};
 *   <li>{@code dbbrain.limiter.queued}, gauge of requests waiting for a permit;
 *   <li>{@code dbbrain.watch.active}, gauge of watch subscribers not ended;
 *   <li>{@code dbbrain.watch.updates}, counter of task state changes seen by watches, tag {@code status};
 *   <li>{@code dbbrain.watch.rejected}, counter of watch subscribers refused because the client's
 *       {@code maxWatches} were running;
 *   <li>with {@linkplain DbbrainClient.Builder#watchSharing watch sharing}: {@code dbbrain.watch.shared.polls},
 *       counter of the watches' Describe requests this replica sent, tag {@code shared} ({@code true}: for the
 *       fleet, holding the tasks' poll slots; {@code false}: on its own while the fleet's Redis was unreachable);
 *       {@code dbbrain.watch.shared.received}, counter of task states taken from the fleet (polled by another
 *       replica); {@code dbbrain.watch.shared.takeovers}, counter of task polls taken over from a replica that held
 *       them and published nothing; {@code dbbrain.watch.shared.rejected}, counter of states read from Redis and
 *       ignored, tag {@code reason} ({@code corrupt}, {@code foreign}, {@code misplaced}, {@code regressed}).
 * </ul>
 * Clients reporting to the same {@code MeterRegistry} add up in the gauges.
 *
 * <p>Observations, so spans with Micrometer Tracing: one trace per call, one span per attempt.
 * <ul>
 *   <li>{@code dbbrain.client.calls} around each call (see {@link DbbrainEventListener.Call}), contextual name the
 *       action: low-cardinality key values as its timer's tags; high-cardinality {@code call.id},
 *       {@code instance.id}, and {@code request.id} when the call failed with an answer of the service. Its parent is
 *       the observation in the subscriber's Reactor {@code Context} (key {@code micrometer.observation}, as put there
 *       by Reactor's {@code contextCapture()} or by Spring WebFlux); without one it is the root of a trace of its
 *       own.
 *   <li>{@code dbbrain.client.requests} around each attempt, a child of its call's, contextual name the action
 *       followed by {@code attempt}: low-cardinality key values as its timer's tags; high-cardinality
 *       {@code call.id}, {@code instance.id}, {@code http.request.resend_count} (the attempt's number, 0 for the
 *       first send, as OpenTelemetry's HTTP client spans carry it) and the service's {@code RequestId} as
 *       {@code request.id}. It is put into the context of the HTTP exchange, so a Reactor Netty observation nests
 *       under it.
 * </ul>
 * Watches share one poll loop per task, so a watch subscriber's context does not reach the polls: each poll round is
 * a call, and a trace, of its own. Creates and describes called directly carry the subscriber's context.
 */
public final class DbbrainMicrometer {

    private DbbrainMicrometer() {
    }

    /**
     * Meters only, no tracing: every meter above, recorded in {@code registry}.
     *
     * @param registry where the meters go
     * @return a listener for {@link DbbrainClient.Builder#eventListener}
     */
    public static DbbrainEventListener metrics(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry must not be null");
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(registry));
        return new MicrometerListener(registry, observations);
    }

    /**
     * Meters and observations: the request timer and spans come from {@code observations} (give it a
     * {@code DefaultMeterObservationHandler}, as Spring Boot does, for the timer; a tracing handler for spans), the
     * limiter and watch meters go to {@code registry}.
     *
     * @param registry where the limiter and watch meters go
     * @param observations where request observations go
     * @return a listener for {@link DbbrainClient.Builder#eventListener}
     */
    public static DbbrainEventListener observations(MeterRegistry registry, ObservationRegistry observations) {
        return new MicrometerListener(Objects.requireNonNull(registry, "registry must not be null"),
                Objects.requireNonNull(observations, "observations must not be null"));
    }
}
