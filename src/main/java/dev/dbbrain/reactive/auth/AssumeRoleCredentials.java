package dev.dbbrain.reactive.auth;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DbbrainCredentialsException;
import dev.dbbrain.reactive.DbbrainDecodingException;
import dev.dbbrain.reactive.DbbrainHttpException;
import dev.dbbrain.reactive.DbbrainTransportException;
import dev.dbbrain.reactive.internal.BoundedBody;
import dev.dbbrain.reactive.internal.Endpoint;
import dev.dbbrain.reactive.internal.Failures;
import dev.dbbrain.reactive.internal.JsonOutput;
import dev.dbbrain.reactive.internal.Tc3Signer;
import dev.dbbrain.reactive.internal.Validation;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * One STS {@code AssumeRole} call (version 2018-08-13): temporary credentials of a role, requested with TC3
 * signed by the base credentials (service {@code sts}). Errors come in the standard envelope and end as this
 * library's typed exceptions with action {@code AssumeRole}, code and RequestId; network failures as
 * {@link DbbrainTransportException}. Each call opens its own connection (a refresh happens once per credential
 * lifetime), so there is nothing to close.
 */
final class AssumeRoleCredentials {

    static final String ACTION = "AssumeRole";
    static final String SERVICE = "sts";
    static final String VERSION = "2018-08-13";
    static final String DEFAULT_ENDPOINT = "https://sts.tencentcloudapi.com";
    /** STS is a global service but the Region common parameter is required; any supported region answers. */
    static final String DEFAULT_REGION = "ap-guangzhou";
    static final Duration DEFAULT_DURATION = Duration.ofHours(2);
    static final Duration MAX_DURATION = Duration.ofHours(12);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);
    static final int MAX_BODY_BYTES = 64 * 1024;

    /** The documented alphabet of RoleSessionName, 2 to 128 characters. */
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,128}");

    private final CredentialsProvider base;
    private final byte[] body;
    private final String roleArn;
    private final Endpoint endpoint;
    private final String region;
    private final Scheduler clock;
    private final HttpClient http;
    private final String requestClient;
    private final Tc3Signer signer = new Tc3Signer();

    AssumeRoleCredentials(CredentialsProvider base, String roleArn, String roleSessionName, Duration duration,
            String endpoint, String region, Scheduler clock) {
        if (base == null) {
            throw new IllegalArgumentException("base credentials provider must not be null");
        }
        this.base = base;
        this.roleArn = Validation.requireToken(roleArn, "roleArn");
        if (roleSessionName == null || !SESSION_NAME.matcher(roleSessionName).matches()) {
            throw new IllegalArgumentException("roleSessionName must be 2 to 128 letters, digits or =,.@_+-");
        }
        if (duration == null || duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(MAX_DURATION) > 0
                || duration.toNanosPart() != 0) {
            throw new IllegalArgumentException("duration must be whole seconds from 1 s to 12 h, was " + duration);
        }
        this.endpoint = Endpoint.parse(endpoint, false);
        this.region = Validation.requireToken(region, "region");
        this.clock = clock;
        this.body = JsonOutput.bytes(json -> {
            json.writeStartObject();
            json.writeStringProperty("RoleArn", roleArn);
            json.writeStringProperty("RoleSessionName", roleSessionName);
            json.writeNumberProperty("DurationSeconds", duration.toSeconds());
            json.writeEndObject();
        });
        // Here, not on the event loop: the first use of DbbrainClient reads its version resource.
        this.requestClient = "dbbrain-reactive/" + DbbrainClient.version();
        this.http = HttpClient.create(ConnectionProvider.newConnection())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                .responseTimeout(RESPONSE_TIMEOUT);
    }

    /** One attempt: resolve the base credentials, sign, POST, read the envelope. */
    Mono<Credentials> fetch() {
        return Mono.defer(base::resolveCredentials)
                .switchIfEmpty(Mono.error(() -> new DbbrainCredentialsException(
                        "the base credentials provider of AssumeRole completed without credentials")))
                .flatMap(this::call);
    }

    private Mono<Credentials> call(Credentials signWith) {
        long timestamp = clock.now(TimeUnit.SECONDS);
        String authorization = signer.authorization(signWith.secretId(), signWith.secretKey(), endpoint.hostHeader(),
                Tc3Signer.CONTENT_TYPE, body, timestamp, SERVICE, Map.of());
        return http.post()
                .uri(endpoint.uri())
                .send((request, out) -> {
                    HttpHeaders h = request.requestHeaders();
                    h.set(HttpHeaderNames.HOST, endpoint.hostHeader());
                    h.set(HttpHeaderNames.CONTENT_TYPE, Tc3Signer.CONTENT_TYPE);
                    h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    h.set(HttpHeaderNames.AUTHORIZATION, authorization);
                    h.set("X-TC-Action", ACTION);
                    h.set("X-TC-Version", VERSION);
                    h.set("X-TC-Timestamp", Long.toString(timestamp));
                    h.set("X-TC-Region", region);
                    h.set("X-TC-RequestClient", requestClient);
                    signWith.token().ifPresent(token -> h.set("X-TC-Token", token));
                    return out.sendByteArray(Mono.just(body)).then();
                })
                .response((response, content) -> {
                    int status = response.status().code();
                    return BoundedBody.collect(content, MAX_BODY_BYTES, -1)
                            .onErrorMap(BoundedBody.TooLarge.class, e -> new DbbrainDecodingException(ACTION,
                                    "body larger than " + MAX_BODY_BYTES + " bytes", null, null))
                            .defaultIfEmpty(new byte[0])
                            .map(bytes -> {
                                if (status != 200) {
                                    throw new DbbrainHttpException(ACTION, status, BoundedBody.snippet(bytes));
                                }
                                return AssumeRoleAnswer.credentials(bytes);
                            });
                })
                .next()
                .switchIfEmpty(Mono.error(() -> new DbbrainDecodingException(ACTION, "no answer", null, null)))
                .onErrorMap(Failures::isTransport, e -> Failures.transport(ACTION, e, RESPONSE_TIMEOUT));
    }

    @Override
    public String toString() {
        return "STS AssumeRole of " + roleArn + " at " + endpoint;
    }
}
