package dev.dbbrain.reactive.auth;

import dev.dbbrain.reactive.DbbrainCredentialsException;
import dev.dbbrain.reactive.DbbrainException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

/**
 * Caches credentials that expire and fetches new ones before they do.
 *
 * <p>Three states, by the scheduler's clock: <em>fresh</em> (served at once), <em>due</em> (from
 * {@code expiration - min(refreshBefore, lifetime / 2)}: still served at once, while one refresh runs in the
 * background), <em>stale</em> (from {@code expiration - min(30 s, lifetime / 10)}, so that a request signed now
 * still arrives in time: callers wait for the refresh). At most one refresh runs at a time and every caller that
 * needs it shares it, so N callers cost one fetch per attempt, not N. A failed attempt is retried by the
 * {@link Retry} (backoff on the injected scheduler) inside that single refresh; when it gives up, the waiting callers
 * get one {@link DbbrainCredentialsException} and the next caller starts a new refresh. A failed background refresh
 * costs nothing: the cached credentials keep being served until they are stale.
 *
 * <p>A refresh, once started, runs to its end even when every caller cancels, so that its result is not wasted;
 * each attempt is bounded by {@link #ATTEMPT_TIMEOUT} and the retries by the {@code Retry}, so it always ends.
 */
final class RefreshingCredentialsProvider implements CredentialsProvider {

    /** How long before expiry a refresh starts, unless the lifetime is short. */
    static final Duration DEFAULT_REFRESH_BEFORE = Duration.ofMinutes(5);
    /** How long before expiry credentials are no longer handed out: one request must still arrive in time. */
    static final Duration STALE_BEFORE = Duration.ofSeconds(30);
    /** The most one fetch attempt may take; HTTP fetches have shorter timeouts of their own. */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(30);

    private final String source;
    private final Mono<Credentials> refresh;
    private final Duration refreshBefore;
    private final Scheduler scheduler;
    private final AtomicReference<State> state = new AtomicReference<>(new State(null, null));

    /**
     * @param source what the credentials come from, for messages (never a secret)
     * @param fetch one attempt to get new credentials, which must carry an expiration
     * @param refreshBefore how long before expiry to refresh
     * @param retry how failed attempts are retried
     * @param scheduler the clock and the timers (attempt timeout; the retry brings its own scheduler)
     */
    RefreshingCredentialsProvider(String source, Mono<Credentials> fetch, Duration refreshBefore, Retry retry,
            Scheduler scheduler) {
        this.source = source;
        this.refreshBefore = refreshBefore;
        this.scheduler = scheduler;
        this.refresh = Mono.defer(() -> fetch)
                .timeout(ATTEMPT_TIMEOUT, scheduler)
                .switchIfEmpty(Mono.error(() -> new DbbrainCredentialsException(source + " gave no credentials")))
                .map(this::requireExpiration)
                .retryWhen(retry);
    }

    /** A provider with the default margin and retries, on one scheduler; {@code fetch} is called per attempt. */
    static RefreshingCredentialsProvider withDefaults(String source, Supplier<Mono<Credentials>> fetch,
            Scheduler scheduler) {
        return new RefreshingCredentialsProvider(source, Mono.defer(fetch), DEFAULT_REFRESH_BEFORE,
                defaultRetry(scheduler), scheduler);
    }

    /** Three retries, backoff from 1 s to 30 s with jitter; a source that is simply absent is not retried. */
    static Retry defaultRetry(Scheduler scheduler) {
        return Retry.backoff(3, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30)).scheduler(scheduler)
                .filter(e -> !(e instanceof DbbrainCredentialsException c && c.notFound()));
    }

    @Override
    public Mono<Credentials> resolveCredentials() {
        return Mono.defer(() -> {
            long now = now();
            Cached cached = state.get().cached;
            if (cached != null && now < cached.staleAt) {
                if (now >= cached.refreshAt) {
                    refresh();
                }
                return Mono.just(cached.credentials);
            }
            return refresh();
        });
    }

    /** Joins the refresh in flight, or starts one. */
    private Mono<Credentials> refresh() {
        while (true) {
            State current = state.get();
            if (current.inFlight != null) {
                return current.inFlight.asMono();
            }
            Sinks.One<Credentials> sink = Sinks.one();
            if (state.compareAndSet(current, new State(current.cached, sink))) {
                refresh.subscribe(fresh -> succeeded(sink, fresh), error -> failed(sink, error));
                return sink.asMono();
            }
        }
    }

    private void succeeded(Sinks.One<Credentials> sink, Credentials fresh) {
        long now = now();
        long expiration = fresh.expiration().orElseThrow().toEpochMilli();
        long lifetime = expiration - now;
        if (lifetime <= 0) {
            failed(sink, new DbbrainCredentialsException(source + " gave credentials that expired at "
                    + fresh.expiration().orElseThrow() + ", before now (" + Instant.ofEpochMilli(now)
                    + "): is the clock right?"));
            return;
        }
        long staleAt = expiration - Math.min(STALE_BEFORE.toMillis(), lifetime / 10);
        long refreshAt = expiration - Math.min(refreshBefore.toMillis(), lifetime / 2);
        state.set(new State(new Cached(fresh, refreshAt, staleAt), null));
        sink.tryEmitValue(fresh);
    }

    private void failed(Sinks.One<Credentials> sink, Throwable error) {
        state.updateAndGet(s -> new State(s.cached, null));
        sink.tryEmitError(describe(error));
    }

    private Credentials requireExpiration(Credentials c) {
        if (c.expiration().isEmpty()) {
            throw new DbbrainCredentialsException(source + " gave credentials without an expiration");
        }
        return c;
    }

    /**
     * One typed error for the callers: what was tried and the last failure, never a secret. Only this library's
     * exceptions, whose messages are written to hold none, lend their message; others lend their class name.
     */
    private DbbrainCredentialsException describe(Throwable error) {
        Throwable last = Exceptions.isRetryExhausted(error) && error.getCause() != null ? error.getCause() : error;
        String attempts = Exceptions.isRetryExhausted(error) ? " (retries exhausted)" : "";
        String what;
        if (last instanceof DbbrainException e) {
            what = e.getMessage();
        } else if (last instanceof TimeoutException) {
            what = "no answer within " + ATTEMPT_TIMEOUT;
        } else {
            what = last.getClass().getSimpleName();
        }
        boolean notFound = last instanceof DbbrainCredentialsException c && c.notFound();
        return new DbbrainCredentialsException("could not refresh credentials from " + source + attempts + ": "
                + what, notFound, last);
    }

    private long now() {
        return scheduler.now(TimeUnit.MILLISECONDS);
    }

    @Override
    public String toString() {
        return "RefreshingCredentialsProvider[" + source + "]";
    }

    private record Cached(Credentials credentials, long refreshAt, long staleAt) {
    }

    private record State(Cached cached, Sinks.One<Credentials> inFlight) {
    }
}
