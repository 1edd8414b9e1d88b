package dev.dbbrain.reactive.emulator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Puts a {@link Reply} on the wire the way its {@link Delivery} says.
 *
 * <p>A body goes out in one write unless it must not: trickled, larger than {@link #SLICE}, a raw answer without a
 * {@code Content-Length} (Reactor Netty then uses chunked transfer coding instead of adding one), or followed by a
 * stall or a close. Pieces wrap the body's array (no copy). A raw answer declaring more than its body keeps the
 * exchange open after the body (the client waits for bytes that never come) unless the connection is to be closed.
 */
final class ReplyWriter {

    private static final String JSON = "application/json";
    /** The largest piece written at once: a huge hostile body goes out with backpressure, not in one buffer. */
    static final int SLICE = 64 * 1024;

    private ReplyWriter() {
    }

    static Mono<Void> write(HttpServerRequest request, HttpServerResponse response, Reply reply, Delivery delivery,
            String date, Scheduler scheduler) {
        if (reply instanceof Reply.Reset) {
            return Mono.fromRunnable(() -> request.withConnection(connection -> {
                // SO_LINGER 0 turns close() into a TCP RST: the client sees "connection reset", not a clean EOF.
                connection.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                connection.channel().close();
            }));
        }
        if (reply instanceof Reply.Close) {
            return Mono.fromRunnable(() -> request.withConnection(connection -> connection.channel().close()));
        }
        if (reply instanceof Reply.Silence) {
            return Mono.never();
        }
        if (reply instanceof Reply.Raw raw) {
            response.status(HttpResponseStatus.valueOf(raw.status()));
            raw.headers().forEach(response::addHeader);
            return body(request, response, raw.body(), declaredLength(raw.headers()), true, delivery, scheduler);
        }
        response.header(HttpHeaderNames.DATE, date);
        if (reply instanceof Reply.Envelope envelope) {
            return send(request, response, HttpResponseStatus.OK, JSON, envelope.json(), delivery, scheduler);
        }
        if (reply instanceof Reply.Malformed malformed) {
            return send(request, response, HttpResponseStatus.OK, JSON, malformed.json(), delivery, scheduler);
        }
        if (reply instanceof Reply.GatewayError gateway) {
            return send(request, response, HttpResponseStatus.valueOf(gateway.status()), "text/html",
                    gateway.html(), delivery, scheduler);
        }
        Reply.Status status = (Reply.Status) reply;
        return send(request, response, HttpResponseStatus.valueOf(status.status()), status.contentType(),
                status.body(), delivery, scheduler);
    }

    /** An answer of the emulator's own: status, Content-Type (when given) and Content-Length, then the body. */
    static Mono<Void> send(HttpServerResponse response, HttpResponseStatus status, String contentType,
            byte[] body) {
        return send(null, response, status, contentType, body, Delivery.PLAIN, null);
    }

    private static Mono<Void> send(HttpServerRequest request, HttpServerResponse response, HttpResponseStatus status,
            String contentType, byte[] body, Delivery delivery, Scheduler scheduler) {
        response.status(status);
        if (contentType != null) {
            response.header(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        response.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
        return body(request, response, body, body.length, false, delivery, scheduler);
    }

    private static Mono<Void> body(HttpServerRequest request, HttpServerResponse response, byte[] body,
            long declared, boolean raw, Delivery delivery, Scheduler scheduler) {
        boolean stall = declared > body.length && !delivery.disconnectAtEnd();
        boolean pieces = delivery.trickleBytes() > 0 || body.length > SLICE || (raw && declared < 0);
        if (!pieces && !stall && !delivery.disconnectAtEnd()) {
            return response.sendByteArray(Mono.just(body)).then();
        }
        int size = delivery.trickleBytes() > 0 ? delivery.trickleBytes() : SLICE;
        int count = (body.length + size - 1) / size;
        Flux<Integer> offsets = Flux.range(0, count).map(i -> i * size);
        Duration wait = delivery.trickleInterval();
        if (delivery.trickleBytes() > 0 && !wait.isZero()) {
            offsets = offsets.concatMap(offset -> Mono.delay(wait, scheduler).thenReturn(offset));
        }
        // The buffer of a piece is made only when it is sent, so a cancelled answer leaves none behind.
        Flux<ByteBuf> buffers = offsets.map(offset ->
                Unpooled.wrappedBuffer(body, offset, Math.min(size, body.length - offset)));
        Mono<Void> sent = response.send(buffers, buffer -> delivery.trickleBytes() > 0).then();
        if (delivery.disconnectAtEnd()) {
            return sent.then(Mono.fromRunnable(() -> request.withConnection(c -> c.channel().close())));
        }
        return stall ? sent.then(Mono.never()) : sent;
    }

    /** The Content-Length a raw answer declares, or -1 when it declares none (or one that is not a number). */
    private static long declaredLength(Map<String, String> headers) {
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(header.getKey())) {
                try {
                    return Long.parseLong(header.getValue().trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
