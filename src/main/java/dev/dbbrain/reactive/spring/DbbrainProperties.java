package dev.dbbrain.reactive.spring;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.Language;
import dev.dbbrain.reactive.WatchOptions;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.internal.Endpoint;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;
import org.springframework.util.ClassUtils;
import org.springframework.util.unit.DataSize;

/**
 * The {@code dbbrain.*} properties of the auto-configured {@link DbbrainClient}, bound once and immutable; each maps
 * to the builder method of the same name, with the builder's default.
 *
 * <p>A value is checked where it is applied, by the builder method it maps to: a bad one (a negative timeout, an
 * endpoint that is not {@code scheme://host[:port]}, a burst of 0) stops the application with the property's name
 * and the builder's reason, every bad value at once. A message never contains a credential or a URI's password.
 *
 * <pre>{@code
 * dbbrain.region=ap-guangzhou
 * dbbrain.credentials.secret-id=${TENCENTCLOUD_SECRET_ID}
 * dbbrain.credentials.secret-key=${TENCENTCLOUD_SECRET_KEY}
 * }</pre>
 *
 * <p>Spring Boot binds it through its constructor, which gains a parameter with every new property: read it, do not
 * construct it. Adding a property takes a component with its {@code @param} description (the IDE metadata's
 * description) and {@link DefaultValue @DefaultValue} (the metadata's default), and one {@code checks.set(...)} line
 * in {@link #applyTo}.
 *
 * @param endpoint Endpoint, scheme://host[:port]; plain http:// only for loopback hosts unless
 *     allow-insecure-endpoint.
 * @param allowInsecureEndpoint Whether a plain http:// endpoint on a host that is not loopback is allowed.
 * @param region Region sent as X-TC-Region, such as ap-guangzhou; none when unset.
 * @param language Language of the service's error messages (X-TC-Language); the service's default when unset.
 * @param connectTimeout Time allowed to open a connection of the owned pool.
 * @param responseTimeout Longest wait for a response and between two reads of it.
 * @param attemptTimeout Longest time one attempt may take in total, from writing the request to the answer's last
 *     byte; the response timeout when unset.
 * @param maxConnections Size of the owned connection pool.
 * @param maxResponseSize Largest response body read; larger ones fail with DbbrainDecodingException.
 * @param serverTimeZone Zone of task times the service sends without an offset (undocumented by the API).
 * @param signActionHeader Whether x-tc-action is signed too (newer signing form).
 * @param maxRetries Retries of a failed call when retrying is safe; 0 turns retries off.
 * @param maxBatch Task IDs per DescribeProxySessionKillTasks request of the watches.
 * @param maxWatches Watch subscribers running at once; one more fails fast with DbbrainCapacityException.
 * @param trustedCertificates PEM files of the certificates to trust for https://, instead of the JDK's trust store
 *     (a private CA, or the emulator's --tls-cert file), such as file:/etc/dbbrain/ca.pem; host names are still
 *     verified.
 * @param credentials Fixed credentials; the default chain (environment, then profile file) when unset.
 * @param retryBackoff Exponential backoff between retries, each with ±50% jitter.
 * @param rateLimit The limiter every request waits for.
 * @param watch Options of watches started without options of their own.
 * @param metrics Micrometer meters and observations of the client.
 */
@ConfigurationProperties("dbbrain")
public record DbbrainProperties(
        @DefaultValue(DbbrainClient.DEFAULT_ENDPOINT) String endpoint,
        @DefaultValue("false") boolean allowInsecureEndpoint,
        String region,
        Language language,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("30s") Duration responseTimeout,
        Duration attemptTimeout,
        @DefaultValue("50") int maxConnections,
        @DefaultValue(DbbrainClient.DEFAULT_MAX_RESPONSE_SIZE / 1024 / 1024 + "MB") DataSize maxResponseSize,
        @DefaultValue("+08:00") ZoneId serverTimeZone,
        @DefaultValue("false") boolean signActionHeader,
        @DefaultValue("" + DbbrainClient.DEFAULT_MAX_RETRIES) int maxRetries,
        @DefaultValue("" + DbbrainClient.DEFAULT_MAX_BATCH) int maxBatch,
        @DefaultValue("" + DbbrainClient.DEFAULT_MAX_WATCHES) int maxWatches,
        List<Resource> trustedCertificates,
        @DefaultValue CredentialsProperties credentials,
        @DefaultValue RetryBackoff retryBackoff,
        @DefaultValue RateLimit rateLimit,
        @DefaultValue Watch watch,
        @DefaultValue Metrics metrics) {

    /**
     * Applies these properties to a builder, each through the builder method it maps to.
     *
     * @param builder the builder to configure
     * @throws IllegalArgumentException naming every property whose value the builder refused, and why
     */
    public void applyTo(DbbrainClient.Builder builder) {
        PropertyChecks checks = new PropertyChecks().uri("endpoint", endpoint)
                .secret("credentials", credentials.secretKey(), credentials.sessionToken());
        // The builder checks the endpoint's form when building; checked here, it is named in the failure.
        checks.set("endpoint", builder, b -> {
            Endpoint.parse(endpoint, allowInsecureEndpoint);
            return b.endpoint(endpoint).allowInsecureEndpoint(allowInsecureEndpoint);
        });
        checks.set("region", builder, b -> b.region(region));
        checks.set("language", builder, b -> b.language(language));
        checks.set("connect-timeout", builder, b -> b.connectTimeout(connectTimeout));
        checks.set("response-timeout", builder, b -> b.responseTimeout(responseTimeout));
        if (attemptTimeout != null) {
            checks.set("attempt-timeout", builder, b -> b.attemptTimeout(attemptTimeout));
        }
        checks.set("max-connections", builder, b -> b.maxConnections(maxConnections));
        checks.set("max-response-size", builder, b -> b.maxResponseSize(bytes(maxResponseSize)));
        checks.set("server-time-zone", builder, b -> b.serverTimeZone(serverTimeZone));
        checks.set("sign-action-header", builder, b -> b.signActionHeader(signActionHeader));
        checks.set("max-retries", builder, b -> b.maxRetries(maxRetries));
        checks.set(List.of("retry-backoff.first", "retry-backoff.max"), builder,
                b -> b.retryBackoff(retryBackoff.first(), retryBackoff.max()));
        checks.set("max-batch", builder, b -> b.maxBatch(maxBatch));
        checks.set("max-watches", builder, b -> b.maxWatches(maxWatches));
        if (trustedCertificates != null && !trustedCertificates.isEmpty()) {
            checks.set("trusted-certificates", builder,
                    b -> b.trustedCertificates(Pem.certificates(trustedCertificates)));
        }
        credentials.applyTo(builder, checks);
        rateLimit.applyTo(builder, checks);
        builder.watchOptions(watch.toOptions(checks));
        checks.throwIfRefused();
    }

    private static int bytes(DataSize size) {
        if (size != null && size.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxResponseSize must be at most 2 GiB, was " + size);
        }
        return size == null ? -1 : (int) size.toBytes();
    }

    /**
     * {@code dbbrain.credentials.*}: fixed credentials. When none is set, the client uses
     * {@link dev.dbbrain.reactive.auth.CredentialsProvider#defaultChain()} (environment, then profile file).
     * {@link #toString()} shows the SecretId only.
     *
     * @param secretId SecretId; set with secret-key, or neither for the default chain.
     * @param secretKey SecretKey; never logged, and masked by the actuator's endpoints.
     * @param sessionToken Session token of temporary credentials (X-TC-Token); masked by the actuator's endpoints.
     */
    public record CredentialsProperties(String secretId, String secretKey, String sessionToken) {

        void applyTo(DbbrainClient.Builder builder, PropertyChecks checks) {
            checks.set(List.of("credentials.secret-id", "credentials.secret-key", "credentials.session-token"),
                    builder, b -> {
                        Credentials fixed = toCredentials();
                        return fixed == null ? b : b.credentials(fixed);
                    });
        }

        private Credentials toCredentials() {
            boolean id = secretId != null && !secretId.isEmpty();
            boolean key = secretKey != null && !secretKey.isEmpty();
            boolean token = sessionToken != null && !sessionToken.isEmpty();
            if (!id && !key) {
                if (token) {
                    throw new IllegalArgumentException("session-token is set without secret-id and secret-key");
                }
                return null;
            }
            if (!id || !key) {
                throw new IllegalArgumentException("secret-id and secret-key must be set together (or neither, "
                        + "for the default chain: environment, then profile file)");
            }
            return Credentials.of(secretId, secretKey, token ? sessionToken : null);
        }

        /**
         * Shows the SecretId, never the key or the token.
         *
         * @return {@code CredentialsProperties[secretId=..., secretKey=******, sessionToken=******]}
         */
        @Override
        public String toString() {
            return "CredentialsProperties[secretId=" + secretId + ", secretKey=" + masked(secretKey)
                    + ", sessionToken=" + masked(sessionToken) + "]";
        }

        private static String masked(String secret) {
            return secret == null ? null : UserInfo.MASK;
        }
    }

    /**
     * {@code dbbrain.retry-backoff.*}: exponential backoff between retries, each with ±50% jitter.
     *
     * @param first First backoff.
     * @param max Longest backoff.
     */
    public record RetryBackoff(@DefaultValue("250ms") Duration first, @DefaultValue("8s") Duration max) {
    }

    /**
     * {@code dbbrain.rate-limit.*}: the limiter every request waits for. Unset, the client shares the JVM-wide token
     * bucket of its SecretId (19 per second per action, burst 1); with permits-per-second or burst set it gets a
     * bucket of its own; with redis.uri set the budget lives in Redis; disabled, it never waits.
     *
     * @param enabled Whether requests wait for the limiter at all.
     * @param permitsPerSecond Permits per second per action of a limiter of the client's own (default 19); unset:
     *     the JVM-wide limiter of the client's SecretId.
     * @param burst Burst of a limiter of the client's own (default 1); unset: the JVM-wide limiter of the client's
     *     SecretId.
     * @param maxQueued Requests that may wait for a permit per action in a limiter of the client's own (default
     *     1000); one more fails fast with DbbrainCapacityException; unset: the JVM-wide limiter of the client's
     *     SecretId, which has the default.
     * @param redis The fleet-wide budget in Redis.
     */
    public record RateLimit(@DefaultValue("true") boolean enabled, Double permitsPerSecond, Integer burst,
            Integer maxQueued, @DefaultValue Redis redis) {

        void applyTo(DbbrainClient.Builder builder, PropertyChecks checks) {
            redis.check(checks);
            if (!enabled) {
                builder.rateLimiter(RateLimiter.unlimited());
            } else if (permitsPerSecond != null || burst != null || maxQueued != null) {
                RateLimiter.Builder limiter = RateLimiter.builder();
                if (permitsPerSecond != null) {
                    checks.set("rate-limit.permits-per-second", limiter, l -> l.permitsPerSecond(permitsPerSecond));
                }
                if (burst != null) {
                    checks.set("rate-limit.burst", limiter, l -> l.burst(burst));
                }
                if (maxQueued != null) {
                    checks.set("rate-limit.max-queued", limiter, l -> l.maxQueued(maxQueued));
                }
                builder.rateLimiter(limiter.build());
            }
        }
    }

    /**
     * {@code dbbrain.rate-limit.redis.*}: with {@code uri} set, the budget lives in that Redis server and is shared
     * by every replica using it, at the rate-limit's permits-per-second and burst. Needs
     * {@code io.lettuce:lettuce-core} on the classpath. {@link #toString()} masks the URI's user info.
     *
     * @param uri Redis URI of the shared budget, such as redis://redis.internal:6379; unset: the budget is this
     *     JVM's. Its password is masked by the actuator's endpoints.
     * @param keyPrefix Prefix of the limiter's keys, which are prefix:v1:{account}:action; replicas sharing a budget use
     *     the same one.
     * @param commandTimeout Longest wait for Redis before the outage policy applies.
     * @param fallbackReplicas While Redis is unreachable, fall back to a local bucket at rate / this many replicas;
     *     unset: fail closed.
     * @param previousLayout Whether each call also honours the bucket's key of the previous layout (the unversioned
     *     prefix:{account}:action), so that replicas of older builds share the budget during a rolling deploy; set
     *     false once none remains.
     */
    public record Redis(String uri, @DefaultValue("dbbrain:rate") String keyPrefix,
            @DefaultValue("1s") Duration commandTimeout, Integer fallbackReplicas,
            @DefaultValue("true") boolean previousLayout) {

        /** What is checked before Lettuce is used: the limiter itself is built by {@link RedisRateLimitCustomizer}. */
        void check(PropertyChecks checks) {
            if (uri == null) {
                return;
            }
            if (uri.isBlank()) {
                checks.refuse("rate-limit.redis.uri", "must not be blank (leave it unset for a budget in this JVM)");
            } else if (!ClassUtils.isPresent("io.lettuce.core.RedisClient", null)) {
                checks.refuse("rate-limit.redis.uri", "needs io.lettuce:lettuce-core on the classpath");
            }
        }

        /**
         * Shows the settings with the URI's user info masked.
         *
         * @return {@code Redis[uri=redis://******@host:6379, ...]}
         */
        @Override
        public String toString() {
            return "Redis[uri=" + (uri == null ? null : UserInfo.mask(uri)) + ", keyPrefix=" + keyPrefix
                    + ", commandTimeout=" + commandTimeout + ", fallbackReplicas=" + fallbackReplicas
                    + ", previousLayout=" + previousLayout + "]";
        }
    }

    /**
     * {@code dbbrain.watch.*}: options of watches started without options of their own.
     *
     * @param pollInterval Time between polls while the task does not change.
     * @param maxInterval Longest interval when it grows while nothing changes; no growth when unset.
     * @param growthFactor Factor the interval grows by after each unchanged poll, up to max-interval (used when
     *     max-interval is set).
     * @param jitter Random spread of each interval, in [0, 1).
     * @param deadline Total time limit of a watch from subscription; none when unset.
     * @param notFoundGrace How long a task the service does not report yet is looked for.
     * @param failedAsError Whether a task ending failed ends the watch with an error.
     * @param shared Whether replicas share the polls and latest states of the tasks they watch through the Redis of
     *     rate-limit.redis.uri (one Describe per task per interval for the whole fleet); used only when that URI is
     *     set. False: each replica polls its own watches.
     */
    public record Watch(@DefaultValue("1s") Duration pollInterval, Duration maxInterval,
            @DefaultValue("2") double growthFactor, @DefaultValue("0.1") double jitter, Duration deadline,
            @DefaultValue("10s") Duration notFoundGrace, @DefaultValue("false") boolean failedAsError,
            @DefaultValue("true") boolean shared) {

        WatchOptions toOptions(PropertyChecks checks) {
            WatchOptions options = WatchOptions.defaults();
            options = checks.set("watch.poll-interval", options, o -> o.pollInterval(pollInterval));
            if (maxInterval != null) {
                options = checks.set(List.of("watch.growth-factor", "watch.max-interval"), options,
                        o -> o.growth(growthFactor, maxInterval));
            }
            options = checks.set("watch.jitter", options, o -> o.jitter(jitter));
            options = checks.set("watch.deadline", options, o -> o.deadline(deadline));
            options = checks.set("watch.not-found-grace", options, o -> o.notFoundGrace(notFoundGrace));
            return options.failedAsError(failedAsError);
        }
    }

    /**
     * {@code dbbrain.metrics.*}: Micrometer meters and observations of the client.
     *
     * @param enabled Whether the client records meters and observations when Micrometer registries are present.
     */
    public record Metrics(@DefaultValue("true") boolean enabled) {
    }
}
