package dev.dbbrain.reactive.emulator;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A request the API would never serve, refused with an HTTP status before it reaches the API checks: a method other
 * than GET and POST is {@code 405 Method Not Allowed} (with {@code Allow: GET, POST}), a request target that is
 * neither a path nor an absolute {@code http(s)://} URL is {@code 400 Bad Request}.
 *
 * <p>CONNECT in particular is what a client sends when it takes the emulator for an HTTPS proxy. Answering it 200,
 * as the emulator once did, made the client believe a tunnel was open and fail later, in its TLS handshake, with an
 * error that pointed nowhere near the cause; a 405 fails the CONNECT itself. After a CONNECT or an unusable target
 * the connection is closed: what the client sends next was never meant as HTTP for this server.
 */
record HttpRefusal(HttpResponseStatus status, boolean close, String message) {

    static final String ALLOW = "GET, POST";

    /** The refusal of a request, or null when the emulator serves its method and target. */
    static HttpRefusal of(HttpMethod method, String target) {
        if (HttpMethod.CONNECT.equals(method)) {
            return new HttpRefusal(HttpResponseStatus.METHOD_NOT_ALLOWED, true, "CONNECT is not supported: this is"
                    + " the DBbrain emulator, not a proxy. Send requests to it directly, over HTTPS with --tls.");
        }
        if (!HttpMethod.GET.equals(method) && !HttpMethod.POST.equals(method)) {
            return new HttpRefusal(HttpResponseStatus.METHOD_NOT_ALLOWED, false, "The method "
                    + method.name() + " is not supported: the API accepts GET and POST.");
        }
        if (!RequestTarget.servable(target)) {
            return new HttpRefusal(HttpResponseStatus.BAD_REQUEST, true,
                    "The request target must be a path such as / or an absolute http(s) URL.");
        }
        return null;
    }

    /** The key the refusal is counted under in the {@code errors} of the stats, such as {@code refused.http405}. */
    String errorKey() {
        return "refused.http" + status.code();
    }

    Mono<Void> send(HttpServerResponse response) {
        if (close) {
            response.keepAlive(false);
        }
        if (status.equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
            response.header(HttpHeaderNames.ALLOW, ALLOW);
        }
        return ReplyWriter.send(response, status, "text/plain; charset=utf-8",
                (message + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
