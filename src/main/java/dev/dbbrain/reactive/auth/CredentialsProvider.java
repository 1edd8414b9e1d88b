package dev.dbbrain.reactive.auth;

import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DbbrainCredentialsException;
import dev.dbbrain.reactive.internal.Validation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Supplies the credentials that sign each request. The client asks once per request, so a provider may rotate keys.
 *
 * <p>A provider that finds nothing emits {@link DbbrainCredentialsException}, whose message names what was looked
 * at. Providers that read files do so on {@link Schedulers#boundedElastic()}, never on an event loop.
 *
 * <p>Temporary credentials (with a token and an {@linkplain Credentials#expiration() expiration}) come from
 * {@link #instanceRole()}, {@link #assumeRole(CredentialsProvider, String, String)} or any source wrapped in
 * {@link #refreshing(Mono)}: they are cached, and refreshed before they expire by one fetch shared by every caller.
 *
 * <pre>{@code
 * DbbrainClient.builder().credentialsProvider(CredentialsProvider.defaultChain())
 * DbbrainClient.builder().credentialsProvider(CredentialsProvider.instanceRole())
 * DbbrainClient.builder().credentialsProvider(CredentialsProvider.assumeRole(
 *         CredentialsProvider.defaultChain(), "qcs::cam::uin/100000000001:roleName/dbbrain-ops", "ops-session"))
 * }</pre>
 */
@FunctionalInterface
public interface CredentialsProvider {

    /** SecretId environment variable, as read by the official SDKs. */
    String ENV_SECRET_ID = "TENCENTCLOUD_SECRET_ID";
    /** SecretKey environment variable, as read by the official SDKs. */
    String ENV_SECRET_KEY = "TENCENTCLOUD_SECRET_KEY";
    /** Session token environment variable: this library's extension, the official SDKs read no token variable. */
    String ENV_SESSION_TOKEN = "TENCENTCLOUD_SESSION_TOKEN";
    /** Environment variable naming the profile file, as the official Go SDK honours it. */
    String ENV_CREDENTIALS_FILE = "TENCENTCLOUD_CREDENTIALS_FILE";

    /**
     * Resolves the credentials for one request.
     *
     * @return a {@code Mono} emitting the credentials, or a {@link DbbrainCredentialsException}
     */
    Mono<Credentials> resolveCredentials();

    /**
     * A provider that always gives the same credentials.
     *
     * @param credentials the credentials
     * @return the provider
     */
    static CredentialsProvider of(Credentials credentials) {
        Objects.requireNonNull(credentials, "credentials must not be null");
        Mono<Credentials> just = Mono.just(credentials);
        return () -> just;
    }

    /**
     * Reads {@value #ENV_SECRET_ID}, {@value #ENV_SECRET_KEY} and, if set, {@value #ENV_SESSION_TOKEN} from the
     * process environment.
     *
     * @return the provider
     */
    static CredentialsProvider environment() {
        return new EnvironmentCredentialsProvider(System.getenv());
    }

    /**
     * Reads the {@code [default]} section ({@code secret_id}, {@code secret_key}, optional {@code token}) of the
     * profile file named by {@value #ENV_CREDENTIALS_FILE}, else {@code ~/.tencentcloud/credentials}, else
     * {@code /etc/tencentcloud/credentials}. The file is read off the event loop, and a successful read is reused
     * for a minute, so an edited file takes effect within a minute.
     *
     * @return the provider
     */
    static CredentialsProvider profile() {
        return ProfileCredentialsProvider.standard(System.getenv(), Schedulers.boundedElastic());
    }

    /**
     * Reads the {@code [default]} section of the given profile file.
     *
     * @param file the INI file
     * @return the provider
     */
    static CredentialsProvider profile(Path file) {
        Objects.requireNonNull(file, "file must not be null");
        return ProfileCredentialsProvider.ofFile(file, Schedulers.boundedElastic());
    }

    /**
     * The default chain: {@link #environment()}, then {@link #profile()}. The first provider that finds credentials
     * wins; malformed credentials stop the chain with an error rather than being skipped.
     *
     * <p>Unlike the official SDKs' chain it does not end with the CVM instance role: that would send every
     * application without credentials, on any machine (and every test), to a plain-http host name on the network
     * and make it wait for timeouts before saying "no credentials". On CVM, say so explicitly:
     * {@code chain(defaultChain(), instanceRole())}.
     *
     * @return the provider
     */
    static CredentialsProvider defaultChain() {
        return new CredentialsChain(environment(), profile());
    }

    /**
     * Tries providers in order, like {@link #defaultChain()}: a provider that finds nothing (a missing variable or
     * file, a metadata service that cannot be reached) is skipped; one that finds something unusable stops the
     * chain. When none finds anything, the error names every place that was looked at.
     *
     * @param providers the providers, at least one
     * @return the provider
     */
    static CredentialsProvider chain(CredentialsProvider... providers) {
        if (providers == null || providers.length == 0) {
            throw new IllegalArgumentException("providers must not be empty");
        }
        for (CredentialsProvider p : providers) {
            Objects.requireNonNull(p, "providers must not contain null");
        }
        return new CredentialsChain(providers.clone());
    }

    /**
     * Caches credentials that expire and fetches new ones before they do, with the defaults: refresh five minutes
     * before expiry (half the lifetime when that is shorter), three retries with backoff from 1 s to 30 s,
     * {@link Schedulers#parallel()} as the clock.
     *
     * @param fetch fetches new credentials; each must carry an {@linkplain Credentials#expiration() expiration}
     * @return the provider
     * @see #refreshing(Mono, Duration, Retry, Scheduler)
     */
    static CredentialsProvider refreshing(Mono<Credentials> fetch) {
        Scheduler scheduler = Schedulers.parallel();
        return refreshing(fetch, RefreshingCredentialsProvider.DEFAULT_REFRESH_BEFORE,
                RefreshingCredentialsProvider.defaultRetry(scheduler), scheduler);
    }

    /**
     * Caches credentials that expire and fetches new ones before they do.
     *
     * <p>From {@code refreshBefore} before expiry (or half the lifetime, if shorter) the cached credentials are
     * still served at once while one refresh runs in the background; a failed background refresh is harmless, the
     * cached credentials keep serving. From 30 s before expiry (or a tenth of the lifetime) callers wait for the
     * refresh. At most one refresh runs at a time and every caller shares it, so N concurrent callers cost one
     * fetch per attempt; failed attempts are retried as {@code retry} says (give it a backoff on the same
     * scheduler), and when it gives up every waiting caller gets one {@link DbbrainCredentialsException} naming the
     * last failure (the next call starts a new refresh). Each attempt is bounded to 30 s. A refresh, once started,
     * runs to its end even if its callers cancel.
     *
     * @param fetch fetches new credentials, subscribed once per attempt; each must carry an
     *     {@linkplain Credentials#expiration() expiration}
     * @param refreshBefore how long before expiry to start refreshing, positive
     * @param retry how failed attempts are retried, such as
     *     {@code Retry.backoff(3, Duration.ofSeconds(1)).scheduler(scheduler)}
     * @param scheduler the clock compared with the expiration (its {@code now}) and the timer of the attempt
     *     timeout; a {@code VirtualTimeScheduler} in tests
     * @return the provider
     */
    static CredentialsProvider refreshing(Mono<Credentials> fetch, Duration refreshBefore, Retry retry,
            Scheduler scheduler) {
        Objects.requireNonNull(fetch, "fetch must not be null");
        Objects.requireNonNull(retry, "retry must not be null");
        Objects.requireNonNull(scheduler, "scheduler must not be null");
        return new RefreshingCredentialsProvider("the credentials fetch", fetch,
                Validation.requirePositive(refreshBefore, "refreshBefore"), retry, scheduler);
    }

    /**
     * The role of the CVM instance this runs on, from its metadata service at
     * {@code http://metadata.tencentyun.com}, refreshed before expiry as {@link #refreshing(Mono)} does.
     *
     * @return the provider
     * @see #instanceRole(String)
     */
    static CredentialsProvider instanceRole() {
        return instanceRole(InstanceRoleCredentials.DEFAULT_ENDPOINT);
    }

    /**
     * The role of the CVM instance this runs on, from the metadata service at {@code metadataEndpoint}: GET
     * {@code /latest/meta-data/cam/security-credentials/} for the role name, then {@code …/<role>} for its temporary
     * credentials, refreshed before expiry as {@link #refreshing(Mono)} does. Non-blocking, with a 1 s connect
     * timeout, a 2 s response timeout and a 16 KiB cap on each answer. When the service cannot be reached (not a
     * CVM instance) or no role is bound, the error is "not found", so a {@link #chain} moves on at once, without
     * retrying.
     *
     * @param metadataEndpoint {@code scheme://host[:port]} of the metadata service
     * @return the provider
     */
    static CredentialsProvider instanceRole(String metadataEndpoint) {
        InstanceRoleCredentials fetch = new InstanceRoleCredentials(metadataEndpoint,
                InstanceRoleCredentials.DEFAULT_CONNECT_TIMEOUT, InstanceRoleCredentials.DEFAULT_RESPONSE_TIMEOUT);
        return RefreshingCredentialsProvider.withDefaults(fetch.toString(), fetch::fetch, Schedulers.parallel());
    }

    /**
     * A role's temporary credentials from STS {@code AssumeRole} at {@code https://sts.tencentcloudapi.com}, lasting
     * two hours, refreshed before expiry as {@link #refreshing(Mono)} does.
     *
     * @param base the credentials that sign the AssumeRole call
     * @param roleArn the role, such as {@code qcs::cam::uin/100000000001:roleName/dbbrain-ops}
     * @param roleSessionName a name for the session, 2 to 128 letters, digits or {@code =,.@_+-}
     * @return the provider
     * @see #assumeRole(CredentialsProvider, String, String, Duration, String, String)
     */
    static CredentialsProvider assumeRole(CredentialsProvider base, String roleArn, String roleSessionName) {
        return assumeRole(base, roleArn, roleSessionName, AssumeRoleCredentials.DEFAULT_DURATION,
                AssumeRoleCredentials.DEFAULT_ENDPOINT, AssumeRoleCredentials.DEFAULT_REGION);
    }

    /**
     * A role's temporary credentials from STS {@code AssumeRole} (version 2018-08-13), signed TC3 with the base
     * credentials, refreshed before expiry as {@link #refreshing(Mono)} does. Each call has a 5 s connect and a
     * 10 s response timeout; a refused call ends in a {@link DbbrainCredentialsException} whose cause is the
     * {@link DbbrainApiException} with action {@code AssumeRole}, its code and RequestId.
     *
     * @param base the credentials that sign the AssumeRole call
     * @param roleArn the role, such as {@code qcs::cam::uin/100000000001:roleName/dbbrain-ops}
     * @param roleSessionName a name for the session, 2 to 128 letters, digits or {@code =,.@_+-}
     * @param duration how long the credentials last ({@code DurationSeconds}), 1 s to 12 h in whole seconds
     * @param endpoint the STS endpoint, {@code scheme://host[:port]}; plain http only for loopback hosts
     * @param region the {@code X-TC-Region} sent (required by STS; any supported region answers)
     * @return the provider
     */
    static CredentialsProvider assumeRole(CredentialsProvider base, String roleArn, String roleSessionName,
            Duration duration, String endpoint, String region) {
        Scheduler scheduler = Schedulers.parallel();
        AssumeRoleCredentials fetch = new AssumeRoleCredentials(base, roleArn, roleSessionName, duration, endpoint,
                region, scheduler);
        return RefreshingCredentialsProvider.withDefaults(fetch.toString(), fetch::fetch, scheduler);
    }
}
