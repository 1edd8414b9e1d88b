package dev.dbbrain.reactive.emulator;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** Puts a {@link Reply} on the wire. */
final class ReplyWriter {

    private static final String JSON = "application/json";

    private ReplyWriter() {
    }

    static Mono<Void> write(HttpServerRequest request, HttpServerResponse response, Reply reply) {
        if (reply instanceof Reply.Envelope envelope) {
            return send(response, HttpResponseStatus.OK, JSON, envelope.json());
        }
        if (reply instanceof Reply.Malformed malformed) {
            return send(response, HttpResponseStatus.OK, JSON, malformed.json());
        }
        if (reply instanceof Reply.GatewayError gateway) {
            return send(response, HttpResponseStatus.valueOf(gateway.status()), "text/html", gateway.html());
        }
        return Mono.fromRunnable(() -> request.withConnection(connection -> {
            // SO_LINGER 0 turns close() into a TCP RST: the client sees "connection reset", not a clean EOF.
            connection.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            connection.channel().close();
        }));
    }

    static Mono<Void> send(HttpServerResponse response, HttpResponseStatus status, String contentType,
            byte[] body) {
        return response.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, contentType)
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
                .sendByteArray(Mono.just(body))
                .then();
    }
}
