package dev.dbbrain.reactive.internal;

import dev.dbbrain.reactive.TaskStatus;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * What a client tells a metrics or tracing integration: each HTTP request, each wait for a rate-limiter permit, and
 * the life of its watches. The core calls it and knows nothing of Micrometer; {@code DbbrainMicrometer} implements
 * it. Not part of the API.
 *
 * <p>Implementations must not block and must be cheap: the wrapping methods run on every request, the callbacks on
 * Reactor and Netty threads. Every method has a no-op default.
 */
public interface ClientObserver {

    /** Observes nothing: the default of every client. */
    ClientObserver NONE = new ClientObserver() {
    };

    /**
     * Wraps the exchange of one HTTP request (one attempt of a call: a retry is another request), from the moment its
     * permit is granted to its decoded answer or failure. The subscriber's Reactor {@code Context} reaches
     * {@code exchange}, and whatever the wrapper writes into it reaches the HTTP client.
     *
     * @param action the API action
     * @param exchange the request, cold
     * @param requestId reads the service's {@code RequestId} from a decoded answer
     * @param <T> the decoded answer
     * @return the exchange, observed
     */
    default <T> Mono<T> request(String action, Mono<T> exchange, Function<? super T, String> requestId) {
        return exchange;
    }

    /**
     * Wraps the wait for a rate-limiter permit of one request.
     *
     * @param action the API action
     * @param acquire the limiter's Mono, completing when the permit is granted
     * @return the wait, observed
     */
    default Mono<Void> acquire(String action, Mono<Void> acquire) {
        return acquire;
    }

    /** A watch subscriber started. Exactly one {@link #watchEnded()} follows. */
    default void watchStarted() {
    }

    /** A watch subscriber ended: completed, failed or cancelled. */
    default void watchEnded() {
    }

    /**
     * A watched task changed state (status, progress or proxy lists), once per change whatever the number of
     * subscribers sharing its poll loop.
     *
     * @param status the new state's status
     */
    default void watchUpdated(TaskStatus status) {
    }
}
