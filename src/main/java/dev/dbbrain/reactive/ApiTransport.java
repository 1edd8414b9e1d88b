package dev.dbbrain.reactive;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.auth.CredentialsProvider;
import dev.dbbrain.reactive.internal.AttemptDeadline;
import dev.dbbrain.reactive.internal.BoundedBody;
import dev.dbbrain.reactive.internal.Endpoint;
import dev.dbbrain.reactive.internal.Failures;
import dev.dbbrain.reactive.internal.HandledConnectionErrors;
import dev.dbbrain.reactive.internal.Tc3Signer;
import dev.dbbrain.reactive.internal.WriteThread;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClientResponse;

/**
 * Sends one signed API call and reads its answer: resolve credentials, sign, POST, read a bounded body, decode.
 * Everything here runs on the caller's or Netty's threads without blocking.
 */
final class ApiTransport {

    private static final String SIGNATURE_EXPIRED = "AuthFailure.SignatureExpire";

    private final TransportSettings settings;
    private final Counters counters;
    private final BooleanSupplier closed;
    private final Tc3Signer signer = new Tc3Signer();
    private volatile long clockOffsetSeconds;
    private volatile RateLimiter temporaryCredentialsLimiter;
    /**
     * The first part of this client's call IDs: random, so that the IDs of two clients (two replicas) differ, and
     * drawn once, so that a call costs a counter increment and no random number. Not secret, and derived from nothing.
     */
    private final String callIdPrefix =
            String.format("%012x", ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFF_FFFFL);
    private final AtomicLong calls = new AtomicLong();

    /** The JVM-wide default limiters, one per SecretId: the service's limit belongs to the account. */
    private static final ConcurrentHashMap<String, RateLimiter> SHARED = new ConcurrentHashMap<>();
    /**
     * The JVM-wide default limiters of temporary credentials, one per provider: their SecretId changes at every
     * refresh, so keying them by SecretId would give each rotation a fresh budget (and never forget the old ones).
     * Weak keys: a provider no client uses any more takes its limiter with it.
     */
    private static final Map<CredentialsProvider, RateLimiter> SHARED_BY_PROVIDER =
            Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * @param settings the configuration, built once by the client's builder
     * @param counters the client's counters, which this transport adds to
     * @param closed whether the client was closed: a retry or a permit wait that outlives it fails
     */
    ApiTransport(TransportSettings settings, Counters counters, BooleanSupplier closed) {
        this.settings = settings;
        this.counters = counters;
        this.closed = closed;
    }

    /**
     * One call as the caller sees it: attempts, each waiting for a permit, retried as {@link RetrySettings} allows,
     * with one more attempt after a clock correction when the service says the signature's timestamp is off. Called
     * once per subscription of the caller (the client defers to it), so each call gets its own
     * {@link DbbrainEventListener.Call} and counts its attempts from 0.
     */
    <T> Mono<T> call(ApiAction action, String instanceId, byte[] body, Function<byte[], T> decoder) {
        DbbrainEventListener.Call call = new DbbrainEventListener.Call(callIdPrefix, calls.incrementAndGet(),
                action.actionName(), instanceId);
        AtomicInteger attempts = new AtomicInteger();
        Mono<T> execution = Mono.defer(settings.credentials()::resolveCredentials)
                .switchIfEmpty(Mono.error(() -> new DbbrainCredentialsException(
                        "credentials provider " + settings.credentials() + " completed without credentials")))
                .onErrorMap(e -> !(e instanceof DbbrainException) && !(e instanceof Error),
                        e -> new DbbrainCredentialsException("credentials provider " + settings.credentials()
                                + " failed: "
                                + e.getClass().getSimpleName(), false, e))
                .flatMap(c -> {
                    RateLimiter rateLimiter = limiterFor(c);
                    return attempt(action, call, attempts, body, c, decoder, rateLimiter)
                            .onErrorResume(ClockSkew.class, skew -> {
                                correctClock(skew.serverTime);
                                return attempt(action, call, attempts, body, c, decoder, rateLimiter);
                            })
                            .onErrorMap(ClockSkew.class, skew -> skew.error);
                })
                .retryWhen(settings.retry().spec(action, counters));
        return settings.listener().call(call, execution);
    }

    /**
     * The client's own limiter; else the JVM-wide one of the SecretId; else, for temporary credentials (whose
     * SecretId changes at every refresh), the JVM-wide one of the credentials provider, looked up once.
     */
    private RateLimiter limiterFor(Credentials c) {
        if (settings.limiter() != null) {
            return settings.limiter();
        }
        if (c.token().isEmpty()) {
            return SHARED.computeIfAbsent(c.secretId(), id -> RateLimiter.builder().build());
        }
        RateLimiter shared = temporaryCredentialsLimiter;
        if (shared == null) {
            shared = sharedLimiter(settings.credentials());
            temporaryCredentialsLimiter = shared;
        }
        return shared;
    }

    /** The JVM-wide default limiter of the clients that get temporary credentials from {@code provider}. */
    static RateLimiter sharedLimiter(CredentialsProvider provider) {
        return SHARED_BY_PROVIDER.computeIfAbsent(provider, p -> RateLimiter.builder().build());
    }

    /**
     * One attempt: a permit of the limiter (every limiter is driven the same way, through
     * {@link RateLimiter#acquirePermit}), then the request, written through the permit. The account is the SecretId,
     * except for temporary credentials: their SecretId changes at every refresh and differs per replica, so a
     * limiter keyed by account (the fleet's Redis bucket) shares one budget among them. Numbered when it starts (its
     * permit wait included): attempts of one call run one after the other, never two at once.
     */
    private <T> Mono<T> attempt(ApiAction action, DbbrainEventListener.Call call, AtomicInteger attempts, byte[] body,
            Credentials c, Function<byte[], T> decoder, RateLimiter rateLimiter) {
        String name = action.actionName();
        String account = c.token().isPresent() ? null : c.secretId();
        DbbrainEventListener.Attempt attempt = new DbbrainEventListener.Attempt(call, attempts.getAndIncrement());
        return settings.listener().permitWait(attempt, rateLimiter.acquirePermit(name, account))
                .flatMap(permit -> {
                    if (closed.getAsBoolean()) {
                        // A retry, or a wait for a permit, that outlived close(): the connection pool is gone.
                        return Mono.<T>error(DbbrainClient.closedError());
                    }
                    counters.requests.increment();
                    return settings.listener().request(attempt, send(action, body, c, decoder, permit),
                                    ApiTransport::requestId)
                            .doOnError(DbbrainException.class, e -> {
                                if (e.category() == ErrorCategory.THROTTLED) {
                                    counters.throttled.increment();
                                    permit.throttled();
                                }
                            });
                });
    }

    /**
     * Adopts the service's clock: {@code X-TC-Timestamp} must be within five minutes of it. The offset is whole
     * seconds, the resolution of both the timestamp and the {@code Date} header.
     */
    private void correctClock(Instant serverTime) {
        clockOffsetSeconds = serverTime.getEpochSecond() - settings.clock().instant().getEpochSecond();
        counters.clockCorrections.increment();
    }

    private <T> Mono<T> send(ApiAction action, byte[] body, Credentials c, Function<byte[], T> decoder,
            RateLimiter.Permit permit) {
        long timestamp = settings.clock().instant().getEpochSecond() + clockOffsetSeconds;
        Map<String, String> extra = settings.signActionHeader() ? Map.of("x-tc-action", action.actionName())
                : Map.of();
        String authorization = signer.authorization(c.secretId(), c.secretKey(), settings.endpoint().hostHeader(),
                Tc3Signer.CONTENT_TYPE,
                body, timestamp, ApiAction.SERVICE, extra);
        return HandledConnectionErrors.guard(settings.http().post()
                .uri(settings.endpoint().uri())
                .send((request, out) -> {
                    request.responseTimeout(settings.responseTimeout());
                    HttpHeaders h = request.requestHeaders();
                    h.set(HttpHeaderNames.HOST, settings.endpoint().hostHeader());
                    h.set(HttpHeaderNames.CONTENT_TYPE, Tc3Signer.CONTENT_TYPE);
                    h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    h.set(HttpHeaderNames.AUTHORIZATION, authorization);
                    h.set("X-TC-Action", action.actionName());
                    h.set("X-TC-Version", ApiAction.VERSION);
                    h.set("X-TC-Timestamp", Long.toString(timestamp));
                    h.set("X-TC-RequestClient", settings.requestClient());
                    if (settings.region() != null) {
                        h.set("X-TC-Region", settings.region());
                    }
                    if (settings.language() != null) {
                        h.set("X-TC-Language", settings.language().tag());
                    }
                    c.token().ifPresent(token -> h.set("X-TC-Token", token));
                    // The attempt's total bound starts as the request leaves (after any pacing), so neither the
                    // permit's wait nor the pacer's counts against it; see AttemptDeadline.
                    Mono<Void> write = Mono.defer(() -> {
                        out.withConnection(connection -> AttemptDeadline.start(connection, settings.attemptTimeout(),
                                settings.responseTimeout()));
                        return out.sendByteArray(Mono.just(body)).then();
                    });
                    // Paced here, with the connection ready: headers leave with the body, so a paced request is not
                    // on the wire before its slot. The pacer makes its last check on the connection's event loop, in
                    // the task that writes (WriteThread): a write released by a timer thread would leave whenever the
                    // loop gets to it.
                    Executor[] loop = new Executor[1];
                    out.withConnection(connection -> loop[0] = connection.channel().eventLoop());
                    return permit.write(write).contextWrite(WriteThread.context(loop[0]));
                })
                .response((response, content) -> read(action, response, content, decoder))
                .next())
                .onErrorMap(AttemptDeadline.Expired.class, e -> new DbbrainTransportException(action.actionName(),
                        "answer not complete within the attempt timeout of " + settings.attemptTimeout(), true, e))
                .onErrorMap(Failures::isTransport,
                        e -> Failures.transport(action.actionName(), e, settings.responseTimeout()));
    }

    private <T> Mono<T> read(ApiAction action, HttpClientResponse response, ByteBufFlux content,
            Function<byte[], T> decoder) {
        int status = response.status().code();
        String name = action.actionName();
        long declared = BoundedBody.contentLength(response.responseHeaders());
        if (declared > settings.maxResponseSize()) {
            return Mono.error(tooLarge(name, status));
        }
        return BoundedBody.collect(content, settings.maxResponseSize(), declared)
                .onErrorMap(BoundedBody.TooLarge.class, e -> tooLarge(name, status))
                .map(bytes -> {
                    if (status != 200) {
                        throw new DbbrainHttpException(name, status, BoundedBody.snippet(bytes));
                    }
                    try {
                        return decoder.apply(bytes);
                    } catch (DbbrainApiException e) {
                        Instant serverTime = SIGNATURE_EXPIRED.equals(e.code())
                                ? httpDate(response.responseHeaders().get(HttpHeaderNames.DATE)) : null;
                        if (serverTime != null) {
                            throw new ClockSkew(e, serverTime);
                        }
                        throw e;
                    }
                });
    }

    /** The {@code RequestId} of a decoded answer, for observers. */
    private static String requestId(Object answer) {
        if (answer instanceof CreateProxySessionKillTaskResponse r) {
            return r.requestId();
        }
        return answer instanceof DescribeProxySessionKillTasksResponse r ? r.requestId() : null;
    }

    private DbbrainException tooLarge(String action, int status) {
        String what = "body larger than the maximum response size of " + settings.maxResponseSize() + " bytes";
        return status == 200 ? new DbbrainDecodingException(action, what, null, null)
                : new DbbrainHttpException(action, status, "(" + what + ")");
    }

    private static Instant httpDate(String value) {
        if (value == null) {
            return null;
        }
        try {
            return DateTimeFormatter.RFC_1123_DATE_TIME.parse(value.trim(), Instant::from);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    Endpoint endpoint() {
        return settings.endpoint();
    }

    /** A SignatureExpire answer with the server's time in it; never leaves this class. */
    private static final class ClockSkew extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient DbbrainApiException error;
        private final transient Instant serverTime;

        ClockSkew(DbbrainApiException error, Instant serverTime) {
            super(null, null, false, false);
            this.error = error;
            this.serverTime = serverTime;
        }
    }
}
