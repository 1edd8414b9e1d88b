package dev.dbbrain.reactive.spring;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DbbrainDecodingException;
import dev.dbbrain.reactive.Language;
import dev.dbbrain.reactive.WatchOptions;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.internal.Endpoint;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.ClassUtils;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * The {@code dbbrain.*} properties of the auto-configured {@link DbbrainClient}; each maps to the builder method of
 * the same name, with the builder's default.
 *
 * <p>Validated at startup by the builder's own checks: a bad value (a negative timeout, an endpoint that is not
 * {@code scheme://host[:port]}, a burst of 0) stops the application with the property's name and the reason.
 * Messages never contain a credential.
 *
 * <pre>{@code
 * dbbrain.region=ap-guangzhou
 * dbbrain.credentials.secret-id=${TENCENTCLOUD_SECRET_ID}
 * dbbrain.credentials.secret-key=${TENCENTCLOUD_SECRET_KEY}
 * }</pre>
 */
@ConfigurationProperties("dbbrain")
public class DbbrainProperties implements Validator {

    /** Endpoint, scheme://host[:port]; plain http:// only for loopback hosts unless allow-insecure-endpoint. */
    private String endpoint = DbbrainClient.DEFAULT_ENDPOINT;
    /** Whether a plain http:// endpoint on a host that is not loopback is allowed. */
    private boolean allowInsecureEndpoint;
    /** Region sent as X-TC-Region, such as ap-guangzhou; none by default. */
    private String region;
    /** Language of the service's error messages (X-TC-Language); the service's default when unset. */
    private Language language;
    /** Time allowed to open a connection of the owned pool. */
    private Duration connectTimeout = Duration.ofSeconds(10);
    /** Longest wait for a response and between two reads of it. */
    private Duration responseTimeout = Duration.ofSeconds(30);
    /** Size of the owned connection pool. */
    private int maxConnections = 50;
    /** Largest response body read; larger ones fail with DbbrainDecodingException. */
    private DataSize maxResponseSize = DataSize.ofBytes(DbbrainClient.DEFAULT_MAX_RESPONSE_SIZE);
    /** Zone of task times the service sends without an offset (undocumented by the API). */
    private ZoneId serverTimeZone = ZoneOffset.ofHours(8);
    /** Whether x-tc-action is signed too (newer signing form). */
    private boolean signActionHeader;
    /** Retries of a failed call when retrying is safe; 0 turns retries off. */
    private int maxRetries = DbbrainClient.DEFAULT_MAX_RETRIES;
    /** Task IDs per DescribeProxySessionKillTasks request of the watches. */
    private int maxBatch = DbbrainClient.DEFAULT_MAX_BATCH;

    private final CredentialsProperties credentials = new CredentialsProperties();
    private final RetryBackoff retryBackoff = new RetryBackoff();
    private final RateLimit rateLimit = new RateLimit();
    private final Watch watch = new Watch();
    private final Metrics metrics = new Metrics();

    /**
     * Creates the properties with the builder's defaults.
     */
    public DbbrainProperties() {
    }

    /**
     * Applies these properties to a builder; every value passes the builder's own checks.
     *
     * @param builder the builder to configure
     * @throws IllegalArgumentException naming the property whose value the builder refused
     */
    public void applyTo(DbbrainClient.Builder builder) {
        Applier apply = new Applier(null);
        configure(builder, apply);
        apply.throwFirst();
    }

    /** Applies every property it can, handing each refusal, with the property's path, to {@code apply}. */
    private void configure(DbbrainClient.Builder b, Applier apply) {
        apply.set("endpoint", () -> b.endpoint(endpoint));
        apply.set("allowInsecureEndpoint", () -> b.allowInsecureEndpoint(allowInsecureEndpoint));
        apply.set("region", () -> b.region(region));
        apply.set("language", () -> b.language(language));
        apply.set("connectTimeout", () -> b.connectTimeout(connectTimeout));
        apply.set("responseTimeout", () -> b.responseTimeout(responseTimeout));
        apply.set("maxConnections", () -> b.maxConnections(maxConnections));
        apply.set("maxResponseSize", () -> {
            long bytes = maxResponseSize == null ? -1 : maxResponseSize.toBytes();
            if (bytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("maxResponseSize must be at most 2 GiB, was " + maxResponseSize);
            }
            b.maxResponseSize((int) bytes);
        });
        apply.set("serverTimeZone", () -> b.serverTimeZone(serverTimeZone));
        apply.set("signActionHeader", () -> b.signActionHeader(signActionHeader));
        apply.set("maxRetries", () -> b.maxRetries(maxRetries));
        apply.set("retryBackoff", () -> b.retryBackoff(retryBackoff.first, retryBackoff.max));
        apply.set("maxBatch", () -> b.maxBatch(maxBatch));
        apply.secret("credentials", () -> {
            Credentials c = credentials.toCredentials();
            if (c != null) {
                b.credentials(c);
            }
        });
        if (rateLimit.permitsPerSecond != null) {
            apply.set("rateLimit.permitsPerSecond",
                    () -> RateLimiter.builder().permitsPerSecond(rateLimit.permitsPerSecond));
        }
        if (rateLimit.burst != null) {
            apply.set("rateLimit.burst", () -> RateLimiter.builder().burst(rateLimit.burst));
        }
        Redis redis = rateLimit.redis;
        if (redis.uri != null) {
            apply.set("rateLimit.redis.uri", () -> {
                if (!ClassUtils.isPresent("io.lettuce.core.RedisClient", DbbrainProperties.class.getClassLoader())) {
                    throw new IllegalArgumentException("needs io.lettuce:lettuce-core on the classpath");
                }
                if (redis.uri.isBlank()) {
                    throw new IllegalArgumentException("must not be blank");
                }
            });
            apply.set("rateLimit.redis.keyPrefix", () -> dev.dbbrain.reactive.ratelimit.redis.RedisRateLimiter.builder(redis.uri).keyPrefix(redis.keyPrefix));
            apply.set("rateLimit.redis.commandTimeout",
                    () -> dev.dbbrain.reactive.ratelimit.redis.RedisRateLimiter.builder(redis.uri).commandTimeout(redis.commandTimeout));
            if (redis.fallbackReplicas != null) {
                apply.set("rateLimit.redis.fallbackReplicas",
                        () -> dev.dbbrain.reactive.ratelimit.redis.RedisRateLimiter.builder(redis.uri).fallBackLocally(redis.fallbackReplicas));
            }
        }
        apply.set("rateLimit", () -> {
            RateLimiter limiter = rateLimit.toLimiter();
            if (limiter != null) {
                b.rateLimiter(limiter);
            }
        });
        apply.set("watch.pollInterval", () -> WatchOptions.defaults().pollInterval(watch.pollInterval));
        apply.set("watch.jitter", () -> WatchOptions.defaults().jitter(watch.jitter));
        apply.set("watch.notFoundGrace", () -> WatchOptions.defaults().notFoundGrace(watch.notFoundGrace));
        apply.set("watch.deadline", () -> WatchOptions.defaults().deadline(watch.deadline));
        apply.set("watch", () -> b.watchOptions(watch.toOptions()));
        // The builder checks the endpoint's form only when building; building sends nothing and starts no thread.
        apply.set("endpoint", () -> {
            if (apply.ok("endpoint") && apply.ok("allowInsecureEndpoint")) {
                DbbrainClient.builder().endpoint(endpoint).allowInsecureEndpoint(allowInsecureEndpoint)
                        .credentials(Credentials.of("validation", "validation")).build().close();
            }
        });
    }

    /** Whether {@code type} is this class, the target of {@link #validate}. */
    @Override
    public boolean supports(Class<?> type) {
        return DbbrainProperties.class.isAssignableFrom(type);
    }

    /** Checks the bound values with the builder's own checks, one error per refused property. */
    @Override
    public void validate(Object target, Errors errors) {
        DbbrainProperties properties = (DbbrainProperties) target;
        properties.configure(DbbrainClient.builder(), new Applier(errors));
    }

    /** Collects the builder's refusals: into Spring's {@link Errors} when validating, or the first one to throw. */
    private static final class Applier {
        private final Errors errors;
        private final java.util.Set<String> failed = new java.util.HashSet<>();
        private IllegalArgumentException first;

        Applier(Errors errors) {
            this.errors = errors;
        }

        void set(String path, Runnable setter) {
            if (path.indexOf('.') < 0 && failed.stream().anyMatch(f -> f.startsWith(path + "."))) {
                return;   // a nested value was refused already, with its own path
            }
            run(path, setter, false);
        }

        /** Like {@link #set}, but the value is never echoed: Spring prints a rejected value next to the error. */
        void secret(String path, Runnable setter) {
            run(path, setter, true);
        }

        boolean ok(String path) {
            return !failed.contains(path);
        }

        private void run(String path, Runnable setter, boolean secret) {
            try {
                setter.run();
            } catch (IllegalArgumentException | NullPointerException e) {
                failed.add(path);
                String property = "dbbrain." + kebab(path);
                String message = property + ": " + e.getMessage();
                if (errors == null) {
                    if (first == null) {
                        first = new IllegalArgumentException(message);
                    }
                } else if (secret) {
                    errors.reject("dbbrain.invalid", message);
                } else {
                    errors.rejectValue(path, "dbbrain.invalid", message);
                }
            }
        }

        void throwFirst() {
            if (first != null) {
                throw first;
            }
        }

        private static String kebab(String path) {
            return path.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Returns the endpoint.
     *
     * @return {@code scheme://host[:port]}
     */
    public String getEndpoint() {
        return endpoint;
    }

    /**
     * Sets the endpoint.
     *
     * @param endpoint {@code scheme://host[:port]}
     */
    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * Returns whether plain {@code http://} to a host that is not loopback is allowed.
     *
     * @return whether it is allowed
     */
    public boolean isAllowInsecureEndpoint() {
        return allowInsecureEndpoint;
    }

    /**
     * Sets whether plain {@code http://} to a host that is not loopback is allowed.
     *
     * @param allowInsecureEndpoint whether it is allowed
     */
    public void setAllowInsecureEndpoint(boolean allowInsecureEndpoint) {
        this.allowInsecureEndpoint = allowInsecureEndpoint;
    }

    /**
     * Returns the region.
     *
     * @return the region, or {@code null} for none
     */
    public String getRegion() {
        return region;
    }

    /**
     * Sets the region.
     *
     * @param region the region, such as {@code ap-guangzhou}
     */
    public void setRegion(String region) {
        this.region = region;
    }

    /**
     * Returns the language of error messages.
     *
     * @return the language, or {@code null} for the service's default
     */
    public Language getLanguage() {
        return language;
    }

    /**
     * Sets the language of error messages.
     *
     * @param language the language
     */
    public void setLanguage(Language language) {
        this.language = language;
    }

    /**
     * Returns the connect timeout.
     *
     * @return the timeout
     */
    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    /**
     * Sets the connect timeout.
     *
     * @param connectTimeout a positive duration
     */
    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /**
     * Returns the response timeout.
     *
     * @return the timeout
     */
    public Duration getResponseTimeout() {
        return responseTimeout;
    }

    /**
     * Sets the response timeout.
     *
     * @param responseTimeout a positive duration
     */
    public void setResponseTimeout(Duration responseTimeout) {
        this.responseTimeout = responseTimeout;
    }

    /**
     * Returns the size of the owned connection pool.
     *
     * @return the size
     */
    public int getMaxConnections() {
        return maxConnections;
    }

    /**
     * Sets the size of the owned connection pool.
     *
     * @param maxConnections at least 1
     */
    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    /**
     * Returns the largest response body read.
     *
     * @return the size
     */
    public DataSize getMaxResponseSize() {
        return maxResponseSize;
    }

    /**
     * Sets the largest response body read.
     *
     * @param maxResponseSize at least 1 KB
     */
    public void setMaxResponseSize(DataSize maxResponseSize) {
        this.maxResponseSize = maxResponseSize;
    }

    /**
     * Returns the zone of task times sent without an offset.
     *
     * @return the zone
     */
    public ZoneId getServerTimeZone() {
        return serverTimeZone;
    }

    /**
     * Sets the zone of task times sent without an offset.
     *
     * @param serverTimeZone the zone
     */
    public void setServerTimeZone(ZoneId serverTimeZone) {
        this.serverTimeZone = serverTimeZone;
    }

    /**
     * Returns whether {@code x-tc-action} is signed too.
     *
     * @return whether it is signed
     */
    public boolean isSignActionHeader() {
        return signActionHeader;
    }

    /**
     * Sets whether {@code x-tc-action} is signed too.
     *
     * @param signActionHeader whether to sign it
     */
    public void setSignActionHeader(boolean signActionHeader) {
        this.signActionHeader = signActionHeader;
    }

    /**
     * Returns the number of retries of a failed call.
     *
     * @return the number of retries
     */
    public int getMaxRetries() {
        return maxRetries;
    }

    /**
     * Sets the number of retries of a failed call.
     *
     * @param maxRetries zero or more
     */
    public void setMaxRetries(int maxRetries) {
        this.maxRetries = maxRetries;
    }

    /**
     * Returns the most task IDs per Describe request of the watches.
     *
     * @return the batch size
     */
    public int getMaxBatch() {
        return maxBatch;
    }

    /**
     * Sets the most task IDs per Describe request of the watches.
     *
     * @param maxBatch at least 1
     */
    public void setMaxBatch(int maxBatch) {
        this.maxBatch = maxBatch;
    }

    /**
     * Returns the credentials.
     *
     * @return the credentials properties
     */
    public CredentialsProperties getCredentials() {
        return credentials;
    }

    /**
     * Returns the retry backoff.
     *
     * @return the backoff properties
     */
    public RetryBackoff getRetryBackoff() {
        return retryBackoff;
    }

    /**
     * Returns the rate limit.
     *
     * @return the rate-limit properties
     */
    public RateLimit getRateLimit() {
        return rateLimit;
    }

    /**
     * Returns the default watch options.
     *
     * @return the watch properties
     */
    public Watch getWatch() {
        return watch;
    }

    /**
     * Returns the metrics settings.
     *
     * @return the metrics properties
     */
    public Metrics getMetrics() {
        return metrics;
    }

    /**
     * {@code dbbrain.credentials.*}: fixed credentials. When none is set, the client uses
     * {@link dev.dbbrain.reactive.auth.CredentialsProvider#defaultChain()} (environment, then profile file).
     */
    public static class CredentialsProperties {
        /** SecretId; with secret-key, or neither for the default chain. */
        private String secretId;
        /** SecretKey; never logged or shown. */
        private String secretKey;
        /** Session token of temporary credentials (X-TC-Token). */
        private String sessionToken;

        /**
         * Creates empty credentials properties: the default chain.
         */
        public CredentialsProperties() {
        }

        Credentials toCredentials() {
            boolean id = secretId != null && !secretId.isEmpty();
            boolean key = secretKey != null && !secretKey.isEmpty();
            if (!id && !key) {
                if (sessionToken != null && !sessionToken.isEmpty()) {
                    throw new IllegalArgumentException("session-token is set without secret-id and secret-key");
                }
                return null;
            }
            if (!id || !key) {
                throw new IllegalArgumentException("secret-id and secret-key must be set together (or neither, "
                        + "for the default chain: environment, then profile file)");
            }
            return Credentials.of(secretId, secretKey,
                    sessionToken == null || sessionToken.isEmpty() ? null : sessionToken);
        }

        /**
         * Returns the SecretId.
         *
         * @return the SecretId, or {@code null}
         */
        public String getSecretId() {
            return secretId;
        }

        /**
         * Sets the SecretId.
         *
         * @param secretId the SecretId
         */
        public void setSecretId(String secretId) {
            this.secretId = secretId;
        }

        /**
         * Returns the SecretKey.
         *
         * @return the SecretKey, or {@code null}
         */
        public String getSecretKey() {
            return secretKey;
        }

        /**
         * Sets the SecretKey.
         *
         * @param secretKey the SecretKey
         */
        public void setSecretKey(String secretKey) {
            this.secretKey = secretKey;
        }

        /**
         * Returns the session token.
         *
         * @return the token, or {@code null}
         */
        public String getSessionToken() {
            return sessionToken;
        }

        /**
         * Sets the session token of temporary credentials.
         *
         * @param sessionToken the token
         */
        public void setSessionToken(String sessionToken) {
            this.sessionToken = sessionToken;
        }
    }

    /** {@code dbbrain.retry-backoff.*}: exponential backoff between retries, each with ±50% jitter. */
    public static class RetryBackoff {
        /** First backoff. */
        private Duration first = Duration.ofMillis(250);
        /** Longest backoff. */
        private Duration max = Duration.ofSeconds(8);

        /**
         * Creates the default backoff: 250 ms doubling to 8 s.
         */
        public RetryBackoff() {
        }

        /**
         * Returns the first backoff.
         *
         * @return the first backoff
         */
        public Duration getFirst() {
            return first;
        }

        /**
         * Sets the first backoff.
         *
         * @param first a positive duration
         */
        public void setFirst(Duration first) {
            this.first = first;
        }

        /**
         * Returns the longest backoff.
         *
         * @return the longest backoff
         */
        public Duration getMax() {
            return max;
        }

        /**
         * Sets the longest backoff.
         *
         * @param max at least the first backoff
         */
        public void setMax(Duration max) {
            this.max = max;
        }
    }

    /**
     * {@code dbbrain.rate-limit.*}: the limiter every request waits for. Unset, the client shares the JVM-wide
     * token bucket of its SecretId (19 per second per action, burst 1); with permits-per-second or burst set it gets
     * a bucket of its own; disabled, it never waits.
     */
    public static class RateLimit {
        /** Whether requests wait for the limiter at all. */
        private boolean enabled = true;
        /** Permits per second per action of a limiter of the client's own (default 19). */
        private Double permitsPerSecond;
        /** Burst of a limiter of the client's own (default 1). */
        private Integer burst;

        private final Redis redis = new Redis();

        /**
         * Creates the default: the JVM-wide limiter of the client's SecretId.
         */
        public RateLimit() {
        }

        RateLimiter toLimiter() {
            if (!enabled) {
                return RateLimiter.unlimited();
            }
            if (permitsPerSecond == null && burst == null) {
                return null;
            }
            RateLimiter.Builder limiter = RateLimiter.builder();
            if (permitsPerSecond != null) {
                limiter.permitsPerSecond(permitsPerSecond);
            }
            if (burst != null) {
                limiter.burst(burst);
            }
            return limiter.build();
        }

        /**
         * Returns whether limiting is on.
         *
         * @return whether requests wait for permits
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Turns limiting on or off.
         *
         * @param enabled whether requests wait for permits
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * Returns the rate of a limiter of the client's own.
         *
         * @return the rate, or {@code null} for the default
         */
        public Double getPermitsPerSecond() {
            return permitsPerSecond;
        }

        /**
         * Sets the rate of a limiter of the client's own.
         *
         * @param permitsPerSecond a positive, finite rate
         */
        public void setPermitsPerSecond(Double permitsPerSecond) {
            this.permitsPerSecond = permitsPerSecond;
        }

        /**
         * Returns the burst of a limiter of the client's own.
         *
         * @return the burst, or {@code null} for the default
         */
        public Integer getBurst() {
            return burst;
        }

        /**
         * Sets the burst of a limiter of the client's own.
         *
         * @param burst at least 1
         */
        public void setBurst(Integer burst) {
            this.burst = burst;
        }

        /**
         * Returns the fleet-wide limiter's settings.
         *
         * @return the {@code dbbrain.rate-limit.redis.*} settings
         */
        public Redis getRedis() {
            return redis;
        }
    }

    /**
     * {@code dbbrain.rate-limit.redis.*}: with {@code uri} set, the budget lives in that Redis server and is shared
     * by every replica using it ({@code RateLimiter.redis}), at {@code permits-per-second} and {@code burst}. Needs
     * {@code io.lettuce:lettuce-core} on the classpath.
     */
    public static class Redis {
        /** Redis URI of the shared budget, such as redis://redis.internal:6379; unset: the budget is this JVM's. */
        private String uri;
        /** Prefix of the limiter's keys; replicas sharing a budget use the same one. */
        private String keyPrefix = "dbbrain:rate";
        /** Longest wait for Redis before the outage policy applies. */
        private Duration commandTimeout = Duration.ofSeconds(1);
        /** While Redis is unreachable, fall back to a local bucket at rate / this many replicas; unset: fail closed. */
        private Integer fallbackReplicas;

        /**
         * Creates the default: no Redis.
         */
        public Redis() {
        }

        /**
         * Returns the Redis URI.
         *
         * @return the URI, or {@code null} for an in-JVM budget
         */
        public String getUri() {
            return uri;
        }

        /**
         * Sets the Redis URI.
         *
         * @param uri a Lettuce Redis URI
         */
        public void setUri(String uri) {
            this.uri = uri;
        }

        /**
         * Returns the key prefix.
         *
         * @return the prefix
         */
        public String getKeyPrefix() {
            return keyPrefix;
        }

        /**
         * Sets the key prefix.
         *
         * @param keyPrefix a non-blank prefix
         */
        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        /**
         * Returns the command timeout.
         *
         * @return the timeout
         */
        public Duration getCommandTimeout() {
            return commandTimeout;
        }

        /**
         * Sets the command timeout.
         *
         * @param commandTimeout positive
         */
        public void setCommandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
        }

        /**
         * Returns the replicas of the local fallback.
         *
         * @return the replicas, or {@code null} to fail closed
         */
        public Integer getFallbackReplicas() {
            return fallbackReplicas;
        }

        /**
         * Sets the replicas of the local fallback.
         *
         * @param fallbackReplicas at least 1, or {@code null} to fail closed
         */
        public void setFallbackReplicas(Integer fallbackReplicas) {
            this.fallbackReplicas = fallbackReplicas;
        }
    }

    /** {@code dbbrain.watch.*}: options of watches started without options of their own. */
    public static class Watch {
        /** Time between polls while the task does not change. */
        private Duration pollInterval = Duration.ofSeconds(1);
        /** Longest interval when it grows while nothing changes; no growth when unset. */
        private Duration maxInterval;
        /** Factor the interval grows by after each unchanged poll, up to max-interval. */
        private double growthFactor = 2;
        /** Random spread of each interval, in [0, 1). */
        private double jitter = 0.1;
        /** Total time limit of a watch from subscription; none when unset. */
        private Duration deadline;
        /** How long a task the service does not report yet is looked for. */
        private Duration notFoundGrace = Duration.ofSeconds(10);
        /** Whether a task ending failed ends the watch with an error. */
        private boolean failedAsError;

        /**
         * Creates the default watch options.
         */
        public Watch() {
        }

        WatchOptions toOptions() {
            WatchOptions options = WatchOptions.defaults().pollInterval(pollInterval).jitter(jitter)
                    .notFoundGrace(notFoundGrace).failedAsError(failedAsError).deadline(deadline);
            return maxInterval == null ? options : options.growth(growthFactor, maxInterval);
        }

        /**
         * Returns the poll interval.
         *
         * @return the interval
         */
        public Duration getPollInterval() {
            return pollInterval;
        }

        /**
         * Sets the poll interval.
         *
         * @param pollInterval a positive duration
         */
        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }

        /**
         * Returns the longest interval.
         *
         * @return the longest interval, or {@code null} for no growth
         */
        public Duration getMaxInterval() {
            return maxInterval;
        }

        /**
         * Sets the longest interval, turning growth on.
         *
         * @param maxInterval at least the poll interval
         */
        public void setMaxInterval(Duration maxInterval) {
            this.maxInterval = maxInterval;
        }

        /**
         * Returns the growth factor.
         *
         * @return the factor
         */
        public double getGrowthFactor() {
            return growthFactor;
        }

        /**
         * Sets the growth factor, used when max-interval is set.
         *
         * @param growthFactor at least 1
         */
        public void setGrowthFactor(double growthFactor) {
            this.growthFactor = growthFactor;
        }

        /**
         * Returns the jitter.
         *
         * @return the jitter
         */
        public double getJitter() {
            return jitter;
        }

        /**
         * Sets the jitter.
         *
         * @param jitter in [0, 1)
         */
        public void setJitter(double jitter) {
            this.jitter = jitter;
        }

        /**
         * Returns the deadline.
         *
         * @return the deadline, or {@code null} for none
         */
        public Duration getDeadline() {
            return deadline;
        }

        /**
         * Sets the deadline.
         *
         * @param deadline a positive duration
         */
        public void setDeadline(Duration deadline) {
            this.deadline = deadline;
        }

        /**
         * Returns the not-found grace period.
         *
         * @return the grace period
         */
        public Duration getNotFoundGrace() {
            return notFoundGrace;
        }

        /**
         * Sets the not-found grace period.
         *
         * @param notFoundGrace zero or positive
         */
        public void setNotFoundGrace(Duration notFoundGrace) {
            this.notFoundGrace = notFoundGrace;
        }

        /**
         * Returns whether {@code failed} ends a watch with an error.
         *
         * @return whether it does
         */
        public boolean isFailedAsError() {
            return failedAsError;
        }

        /**
         * Sets whether {@code failed} ends a watch with an error.
         *
         * @param failedAsError whether it does
         */
        public void setFailedAsError(boolean failedAsError) {
            this.failedAsError = failedAsError;
        }
    }

    /** {@code dbbrain.metrics.*}: Micrometer meters and observations of the client. */
    public static class Metrics {
        /** Whether the client records meters and observations when Micrometer registries are present. */
        private boolean enabled = true;

        /**
         * Creates the default: metrics on.
         */
        public Metrics() {
        }

        /**
         * Returns whether metrics are on.
         *
         * @return whether they are
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Turns metrics on or off.
         *
         * @param enabled whether they are on
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
