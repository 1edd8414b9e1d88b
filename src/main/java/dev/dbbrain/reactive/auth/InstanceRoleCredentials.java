package dev.dbbrain.reactive.auth;

import dev.dbbrain.reactive.DbbrainCredentialsException;
import dev.dbbrain.reactive.DbbrainTransportException;
import dev.dbbrain.reactive.internal.BoundedBody;
import dev.dbbrain.reactive.internal.Endpoint;
import dev.dbbrain.reactive.internal.Failures;
import io.netty.channel.ChannelOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * One fetch of a CVM instance role's temporary credentials from the instance metadata service: GET
 * {@code <endpoint>/latest/meta-data/cam/security-credentials/} gives the role name, then GET {@code …/<role>} gives
 * {@code {"Code":"Success","TmpSecretId","TmpSecretKey","Token","ExpiredTime"}} (ExpiredTime in epoch seconds).
 *
 * <p>Non-blocking, with a connect timeout and a response timeout on every request and a size cap on every body: the
 * official Java SDK waits forever off-CVM. Each fetch opens its own connection (a refresh happens about once an
 * hour, a pool would only hold sockets open) so there is nothing to close. A metadata service that cannot be reached
 * at all (refused, connect timeout, unknown host) means "not on a CVM": that failure is marked not-found, so a chain
 * moves on and the refresher does not retry it.
 */
final class InstanceRoleCredentials {

    /** The metadata service of every CVM instance. */
    static final String DEFAULT_ENDPOINT = "http://metadata.tencentyun.com";
    static final String PATH = "latest/meta-data/cam/security-credentials/";
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(2);
    /** Role names, JSON answers: both are a few hundred bytes. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    /** CAM role names: letters, digits and {@code +=,.@_-}; anything else must not go into a URL path. */
    private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,128}");

    private final String base;
    private final HttpClient http;
    private final Duration responseTimeout;

    InstanceRoleCredentials(String endpoint, Duration connectTimeout, Duration responseTimeout) {
        // Plain http:// is what the metadata service speaks; it is reachable only from inside the instance.
        this.base = Endpoint.parse(endpoint, true).uri() + PATH;
        this.responseTimeout = responseTimeout;
        this.http = HttpClient.create(ConnectionProvider.newConnection())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        connectTimeout.toMillis()))
                .responseTimeout(responseTimeout);
    }

    /** One attempt: role name, then that role's credentials. */
    Mono<Credentials> fetch() {
        return get(base).map(this::roleName).flatMap(role -> get(base + role)
                .map(body -> InstanceRoleAnswer.credentials(base + role, body)));
    }

    private Mono<byte[]> get(String url) {
        return http.get().uri(url)
                .response((response, content) -> {
                    int status = response.status().code();
                    if (BoundedBody.contentLength(response.responseHeaders()) > MAX_BODY_BYTES) {
                        return Mono.error(tooLarge(url));
                    }
                    return BoundedBody.collect(content, MAX_BODY_BYTES, -1)
                            .onErrorMap(BoundedBody.TooLarge.class, e -> tooLarge(url))
                            .defaultIfEmpty(new byte[0])
                            .map(body -> {
                                if (status == 404 && url.equals(base)) {
                                    throw new DbbrainCredentialsException("no CAM role is bound to this CVM "
                                            + "instance (" + url + " answered HTTP 404)", true, null);
                                }
                                if (status != 200) {
                                    throw fail(url + " answered HTTP " + status);
                                }
                                return body;
                            });
                })
                .next()
                .switchIfEmpty(Mono.error(() -> fail(url + " gave no answer")))
                .onErrorMap(Failures::isTransport, e -> {
                    DbbrainTransportException transport = Failures.transport("CVM metadata", e, responseTimeout);
                    boolean unreachable = !transport.requestSent();
                    return new DbbrainCredentialsException("CVM instance metadata " + url
                            + (unreachable ? " is not reachable (not a CVM instance?): " : " failed: ")
                            + transport.getMessage(), unreachable, transport);
                });
    }

    private String roleName(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        // One role per instance; should a list ever come back, the first line is the role.
        int newline = text.indexOf('\n');
        String role = (newline < 0 ? text : text.substring(0, newline)).strip();
        if (role.isEmpty()) {
            throw new DbbrainCredentialsException("no CAM role is bound to this CVM instance (" + base
                    + " answered an empty role name)", true, null);
        }
        if (!ROLE_NAME.matcher(role).matches()) {
            throw fail(base + " answered something that is not a role name");
        }
        return role;
    }

    private static DbbrainCredentialsException tooLarge(String url) {
        return fail(url + " answered with a body larger than " + MAX_BODY_BYTES + " bytes");
    }

    static DbbrainCredentialsException fail(String problem) {
        return new DbbrainCredentialsException("CVM instance role: " + problem);
    }

    @Override
    public String toString() {
        return "CVM instance role at " + base;
    }
}
