package dev.dbbrain.reactive;

import java.nio.file.Path;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Supplies the credentials that sign each request. The client asks once per request, so a provider may rotate keys.
 *
 * <p>A provider that finds nothing emits {@link DbbrainCredentialsException}, whose message names what was looked
 * at. Providers that read files do so on {@link Schedulers#boundedElastic()}, never on an event loop.
 *
 * <pre>{@code
 * DbbrainClient.builder().credentialsProvider(CredentialsProvider.defaultChain())
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
     * @return the provider
     */
    static CredentialsProvider defaultChain() {
        return new CredentialsChain(environment(), profile());
    }
}
