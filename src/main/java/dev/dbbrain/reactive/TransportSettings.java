package dev.dbbrain.reactive;

import dev.dbbrain.reactive.auth.CredentialsProvider;
import dev.dbbrain.reactive.internal.Endpoint;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import reactor.netty.http.client.HttpClient;

/**
 * Everything an {@link ApiTransport} is configured with, built once by {@link DbbrainClient.Builder} and read by name:
 * reactor-netty builds its {@code HttpClientConnect} from one {@code HttpClientConfig} the same way. A constructor
 * taking these as sixteen positional arguments let a {@code Duration}, an {@code int} or a {@code String} be swapped
 * without a compiler noticing; here each is set by a method named after it, and {@link Builder#build()} checks that
 * the required ones are set.
 *
 * <p>Immutable; the transport's own state (counters, the closed flag) is not configuration and is passed beside it.
 */
final class TransportSettings {

    private final HttpClient http;
    private final Endpoint endpoint;
    private final CredentialsProvider credentials;
    private final Clock clock;
    private final String region;
    private final Language language;
    private final String requestClient;
    private final Duration responseTimeout;
    private final Duration attemptTimeout;
    private final int maxResponseSize;
    private final boolean signActionHeader;
    private final RateLimiter limiter;
    private final RetrySettings retry;
    private final DbbrainEventListener listener;

    private TransportSettings(Builder b) {
        this.http = required(b.http, "http");
        this.endpoint = required(b.endpoint, "endpoint");
        this.credentials = required(b.credentials, "credentials");
        this.clock = required(b.clock, "clock");
        this.region = b.region;
        this.language = b.language;
        this.requestClient = required(b.requestClient, "requestClient");
        this.responseTimeout = required(b.responseTimeout, "responseTimeout");
        this.attemptTimeout = b.attemptTimeout != null ? b.attemptTimeout : responseTimeout;
        if (b.maxResponseSize < 1) {
            throw new IllegalArgumentException("maxResponseSize must be set, was " + b.maxResponseSize);
        }
        this.maxResponseSize = b.maxResponseSize;
        this.signActionHeader = b.signActionHeader;
        this.limiter = b.limiter;
        this.retry = required(b.retry, "retry");
        this.listener = b.listener != null ? b.listener : DbbrainEventListener.NONE;
    }

    private static <T> T required(T value, String name) {
        return Objects.requireNonNull(value, () -> "transport setting " + name + " is required");
    }

    static Builder builder() {
        return new Builder();
    }

    /** The Reactor Netty client requests go through, redirects off and handled connection errors installed. */
    HttpClient http() {
        return http;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    CredentialsProvider credentials() {
        return credentials;
    }

    /** The clock of {@code X-TC-Timestamp}. */
    Clock clock() {
        return clock;
    }

    /** {@code X-TC-Region}, or {@code null} for none. */
    String region() {
        return region;
    }

    /** {@code X-TC-Language}, or {@code null} for the service's default. */
    Language language() {
        return language;
    }

    /** {@code X-TC-RequestClient}. */
    String requestClient() {
        return requestClient;
    }

    /** The longest wait for the response and between two reads of it. */
    Duration responseTimeout() {
        return responseTimeout;
    }

    /** The longest one attempt may take once its request starts to leave; the response timeout unless set. */
    Duration attemptTimeout() {
        return attemptTimeout;
    }

    /** The largest response body read, in bytes. */
    int maxResponseSize() {
        return maxResponseSize;
    }

    /** Whether {@code x-tc-action} is signed too. */
    boolean signActionHeader() {
        return signActionHeader;
    }

    /** The client's own limiter, or {@code null} for the JVM-wide one of its account. */
    RateLimiter limiter() {
        return limiter;
    }

    RetrySettings retry() {
        return retry;
    }

    DbbrainEventListener listener() {
        return listener;
    }

    /** Sets each setting by name; not thread-safe, used once. */
    static final class Builder {
        private HttpClient http;
        private Endpoint endpoint;
        private CredentialsProvider credentials;
        private Clock clock;
        private String region;
        private Language language;
        private String requestClient;
        private Duration responseTimeout;
        private Duration attemptTimeout;
        private int maxResponseSize;
        private boolean signActionHeader;
        private RateLimiter limiter;
        private RetrySettings retry;
        private DbbrainEventListener listener;

        private Builder() {
        }

        Builder http(HttpClient http) {
            this.http = http;
            return this;
        }

        Builder endpoint(Endpoint endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        Builder credentials(CredentialsProvider credentials) {
            this.credentials = credentials;
            return this;
        }

        Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        Builder region(String region) {
            this.region = region;
            return this;
        }

        Builder language(Language language) {
            this.language = language;
            return this;
        }

        Builder requestClient(String requestClient) {
            this.requestClient = requestClient;
            return this;
        }

        Builder responseTimeout(Duration responseTimeout) {
            this.responseTimeout = responseTimeout;
            return this;
        }

        /** The attempt timeout; {@code null} (the default) for the response timeout. */
        Builder attemptTimeout(Duration attemptTimeout) {
            this.attemptTimeout = attemptTimeout;
            return this;
        }

        Builder maxResponseSize(int maxResponseSize) {
            this.maxResponseSize = maxResponseSize;
            return this;
        }

        Builder signActionHeader(boolean signActionHeader) {
            this.signActionHeader = signActionHeader;
            return this;
        }

        /** The client's own limiter; {@code null} (the default) for the JVM-wide one of its account. */
        Builder limiter(RateLimiter limiter) {
            this.limiter = limiter;
            return this;
        }

        Builder retry(RetrySettings retry) {
            this.retry = retry;
            return this;
        }

        Builder listener(DbbrainEventListener listener) {
            this.listener = listener;
            return this;
        }

        TransportSettings build() {
            return new TransportSettings(this);
        }
    }
}
