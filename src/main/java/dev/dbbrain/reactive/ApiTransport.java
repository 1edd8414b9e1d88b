package dev.dbbrain.reactive;

import dev.dbbrain.reactive.internal.ClientObserver;
import dev.dbbrain.reactive.internal.Tc3Signer;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

/**
 * Sends one signed API call and reads its answer: resolve credentials, sign, POST, read a bounded body, decode.
 * Everything here runs on the caller's or Netty's threads without blocking.
 */
final class ApiTransport {

    /**
     * The Content-Type the Java SDK signs and sends. The header sent must be byte-identical to the signed value, so
     * it is one constant used for both.
     */
    static final String CONTENT_TYPE = "application/json; charset=utf-8";
    private static final int SNIPPET_CHARS = 512;
    private static final String SIGNATURE_EXPIRED = "AuthFailure.SignatureExpire";

    private final HttpClient http;
    private final Endpoint endpoint;
    private final CredentialsProvider credentials;
    private final Clock clock;
    private final String region;
    private final Language language;
    private final String requestClient;
    private final Duration responseTimeout;
    private final int maxResponseSize;
    private final boolean signActionHeader;
    private final RateLimiter limiter;
    private final RetrySettings retry;
    private final Counters counters;
    private final ClientObserver observer;
    private final BooleanSupplier closed;
    private final Tc3Signer signer = new Tc3Signer();
    private volatile long clockOffsetSeconds;
    private volatile RateLimiter temporaryCredentialsLimiter;

    ApiTransport(HttpClient http, Endpoint endpoint, CredentialsProvider credentials, Clock clock, String region,
            Language language, String requestClient, Duration responseTimeout, int maxResponseSize,
            boolean signActionHeader, RateLimiter limiter, RetrySettings retry, Counters counters,
            ClientObserver observer, BooleanSupplier closed) {
        this.http = http;
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.clock = clock;
        this.region = region;
        this.language = language;
        this.requestClient = requestClient;
        this.responseTimeout = responseTimeout;
        this.maxResponseSize = maxResponseSize;
        this.signActionHeader = signActionHeader;
        this.limiter = limiter;
        this.retry = retry;
        this.counters = counters;
        this.observer = observer;
        this.closed = closed;
    }

    /**
     * One call as the caller sees it: attempts, each waiting for a permit, retried as {@link RetrySettings} allows,
     * with one more attempt after a clock correction when the service says the signature's timestamp is off.
     */
    <T> Mono<T> call(ApiAction action, byte[] body, Function<byte[], T> decoder) {
        return Mono.defer(credentials::resolveCredentials)
                .switchIfEmpty(Mono.error(() -> new DbbrainCredentialsException(
                        "credentials provider " + credentials + " completed without credentials")))
                .onErrorMap(e -> !(e instanceof DbbrainException) && !(e instanceof Error),
                        e -> new DbbrainCredentialsException("credentials provider " + credentials + " failed: "
                                + e.getClass().getSimpleName(), false, e))
                .flatMap(c -> {
                    RateLimiter rateLimiter = limiterFor(c);
                    return attempt(action, body, c, decoder, rateLimiter)
                            .onErrorResume(ClockSkew.class, skew -> {
                                correctClock(skew.serverTime);
                                return attempt(action, body, c, decoder, rateLimiter);
                            })
                            .onErrorMap(ClockSkew.class, skew -> skew.error);
                })
                .retryWhen(retry.spec(action, counters));
    }

    /**
     * The client's own limiter; else the JVM-wide one of the SecretId; else, for temporary credentials (whose
     * SecretId changes at every refresh), the JVM-wide one of the credentials provider, looked up once.
     */
    private RateLimiter limiterFor(Credentials c) {
        if (limiter != null) {
            return limiter;
        }
        if (c.token().isEmpty()) {
            return TokenBucketRateLimiter.shared(c.secretId());
        }
        RateLimiter shared = temporaryCredentialsLimiter;
        if (shared == null) {
            shared = TokenBucketRateLimiter.shared(credentials);
            temporaryCredentialsLimiter = shared;
        }
        return shared;
    }

    private <T> Mono<T> attempt(ApiAction action, byte[] body, Credentials c, Function<byte[], T> decoder,
            RateLimiter rateLimiter) {
        String name = action.actionName();
        return Mono.defer(() -> {
            Mono<Void> permit;
            UnaryOperator<Mono<Void>> pacer;
            Runnable throttled;
            if (rateLimiter instanceof RedisRateLimiter redis) {
                // The fleet's bucket of this account; the grant links the permit to the write it allows. Temporary
                // credentials change SecretId at every refresh and differ per replica: their fleet shares the bucket
                // of the key prefix.
                RedisBucket bucket = redis.bucket(c.token().isPresent() ? null : c.secretId(), name);
                RedisBucket.Grant grant = new RedisBucket.Grant();
                permit = bucket.acquire(grant);
                pacer = write -> bucket.paced(grant, write);
                throttled = bucket::onThrottled;
            } else {
                permit = rateLimiter.acquire(name);
                pacer = rateLimiter instanceof TokenBucketRateLimiter bucket
                        ? write -> bucket.paced(name, write) : UnaryOperator.identity();
                throttled = () -> rateLimiter.onThrottled(name);
            }
            return observer.acquire(name, permit)
                    .then(Mono.defer(() -> {
                        if (closed.getAsBoolean()) {
                            // A retry, or a wait for a permit, that outlived close(): the connection pool is gone.
                            return Mono.<T>error(DbbrainClient.closedError());
                        }
                        counters.requests.increment();
                        return observer.request(name, send(action, body, c, decoder, pacer), ApiTransport::requestId);
                    }))
                    .doOnError(DbbrainException.class, e -> {
                        if (e.category() == ErrorCategory.THROTTLED) {
                            counters.throttled.increment();
                            throttled.run();
                        }
                    });
        });
    }

    /**
     * Adopts the service's clock: {@code X-TC-Timestamp} must be within five minutes of it. The offset is whole
     * seconds, the resolution of both the timestamp and the {@code Date} header.
     */
    private void correctClock(Instant serverTime) {
        clockOffsetSeconds = serverTime.getEpochSecond() - clock.instant().getEpochSecond();
        counters.clockCorrections.increment();
    }

    private <T> Mono<T> send(ApiAction action, byte[] body, Credentials c, Function<byte[], T> decoder,
            UnaryOperator<Mono<Void>> pacer) {
        long timestamp = clock.instant().getEpochSecond() + clockOffsetSeconds;
        Map<String, String> extra = signActionHeader ? Map.of("x-tc-action", action.actionName()) : Map.of();
        String authorization = signer.authorization(c.secretId(), c.secretKey(), endpoint.hostHeader(), CONTENT_TYPE,
                body, timestamp, ApiAction.SERVICE, extra);
        return http.post()
                .uri(endpoint.uri())
                .send((request, out) -> {
                    request.responseTimeout(responseTimeout);
                    HttpHeaders h = request.requestHeaders();
                    h.set(HttpHeaderNames.HOST, endpoint.hostHeader());
                    h.set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE);
                    h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    h.set(HttpHeaderNames.AUTHORIZATION, authorization);
                    h.set("X-TC-Action", action.actionName());
                    h.set("X-TC-Version", ApiAction.VERSION);
                    h.set("X-TC-Timestamp", Long.toString(timestamp));
                    h.set("X-TC-RequestClient", requestClient);
                    if (region != null) {
                        h.set("X-TC-Region", region);
                    }
                    if (language != null) {
                        h.set("X-TC-Language", language.tag());
                    }
                    c.token().ifPresent(token -> h.set("X-TC-Token", token));
                    Mono<Void> write = out.sendByteArray(Mono.just(body)).then();
                    // Paced here, with the connection ready: headers leave with the body, so a paced request is not
                    // on the wire before its slot.
                    return pacer.apply(write);
                })
                .response((response, content) -> read(action, response, content, decoder))
                .next()
                .onErrorMap(Failures::isTransport, e -> Failures.transport(action.actionName(), e, responseTimeout));
    }

    private <T> Mono<T> read(ApiAction action, HttpClientResponse response, ByteBufFlux content,
            Function<byte[], T> decoder) {
        int status = response.status().code();
        String name = action.actionName();
        long declared = contentLength(response.responseHeaders());
        if (declared > maxResponseSize) {
            return Mono.error(tooLarge(name, status));
        }
        return BoundedBody.collect(content, maxResponseSize, declared)
                .onErrorMap(BoundedBody.TooLarge.class, e -> tooLarge(name, status))
                .map(bytes -> {
                    if (status != 200) {
                        throw new DbbrainHttpException(name, status, snippet(bytes));
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
        String what = "body larger than the maximum response size of " + maxResponseSize + " bytes";
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

    static long contentLength(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String snippet(byte[] bytes) {
        String text = new String(bytes, 0, Math.min(bytes.length, SNIPPET_CHARS * 4), StandardCharsets.UTF_8);
        text = text.replaceAll("\\s+", " ").strip();
        return text.length() > SNIPPET_CHARS ? text.substring(0, SNIPPET_CHARS) : text;
    }

    Endpoint endpoint() {
        return endpoint;
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
