package dev.dbbrain.reactive.emulator;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.util.Arrays;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Receives a request body into memory, never more than a limit, and reads every request to its end before it is
 * answered, when it can.
 *
 * <p>A body past the limit keeps no bytes: what is over it is counted and dropped as it arrives, up to
 * {@link #DRAIN_LIMIT}. Reading to the end matters because Reactor Netty's server (1.3.7) stops reading a keep-alive
 * connection when a request that queued behind another (sent before the previous answer was complete) is answered
 * before its end was read (reactor-netty issue 4361): the next request on the connection would get neither an
 * answer nor a close. So the requests whose answers need no body (the statistics, a refusal) are
 * {@linkplain #drain drained} first too. Two bodies are left unread, and the connection is closed after the answer
 * (the other way RFC 9110 allows): one declared larger than the drain limit, and one declared over the limit by a
 * client that waits for {@code 100 Continue} before sending it, which it never hears. A queued body larger than
 * what Reactor Netty queues is read on by asking for it (see {@code readOnUnlessEnded}). Reactor Netty releases each
 * received buffer once {@code onNext} returns, so the bytes are copied out synchronously and no buffer is retained.
 */
final class BodyReader {

    /** The most a body is read, past what the emulator accepts, so that it is answered after its end. */
    static final long DRAIN_LIMIT = 16L * 1024 * 1024;
    private static final int INITIAL_CAPACITY = 1024;

    private BodyReader() {
    }

    /** The body, at most {@code limit} bytes of it kept; past them {@link RequestBody#oversize()}. */
    static Mono<RequestBody> read(HttpServerRequest request, int limit) {
        long declared = declaredLength(request);
        if (leftUnread(request, declared, limit)) {
            return Mono.just(RequestBody.OVERSIZE_UNREAD);
        }
        return Mono.defer(() -> {
            Accumulator body = new Accumulator(limit, declared < 0 || declared > limit ? INITIAL_CAPACITY
                    : (int) declared);
            return request.receive()
                    .doOnSubscribe(subscription -> readOnUnlessEnded(request, body))
                    .takeUntil(buffer -> !body.append(buffer))
                    .doFinally(signal -> body.ended = true)
                    .then(Mono.fromSupplier(body::result));
        });
    }

    /**
     * Asks the connection for more bytes, once the event loop is done with what it holds, if the body has not
     * ended by then. Reactor Netty 1.3.7 stops reading a connection whose queue of pipelined messages (a request
     * that queued behind another, and its body's pieces) reached 32, and only a read asked for after that queue
     * was handed over resumes it: the rest of a queued body larger than the queue (some 250 KB in 8 KB pieces)
     * would never be read, and the request never answered. A read asked for while the body flows anyway changes
     * nothing.
     */
    private static void readOnUnlessEnded(HttpServerRequest request, Accumulator body) {
        request.withConnection(connection -> {
            Channel channel = connection.channel();
            channel.eventLoop().execute(() -> {
                if (!body.ended && channel.isActive()) {
                    channel.read();
                }
            });
        });
    }

    /**
     * Reads what is left of a request whose answer needs no body, dropping it: completes once its end was read, or
     * at once when it is left unread, the connection then being closed after the answer.
     */
    static Mono<Void> drain(HttpServerRequest request, HttpServerResponse response) {
        return read(request, 0).doOnNext(body -> closeUnlessReadToEnd(body, response)).then();
    }

    /** Has the connection closed after the answer when the request's body was not read to its end. */
    static void closeUnlessReadToEnd(RequestBody body, HttpServerResponse response) {
        if (!body.readToEnd()) {
            response.keepAlive(false);
        }
    }

    /**
     * Whether the body is left unread: declared larger than the drain limit, or declared over {@code limit} by a
     * client that sends it only once it hears {@code 100 Continue}.
     */
    private static boolean leftUnread(HttpServerRequest request, long declared, int limit) {
        if (declared > DRAIN_LIMIT) {
            return true;
        }
        String expect = request.requestHeaders().get(HttpHeaderNames.EXPECT);
        return declared > limit && expect != null && HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect);
    }

    private static long declaredLength(HttpServerRequest request) {
        String header = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * A growing byte array that gives up (and frees what it held) once the limit is crossed, then only counts up to
     * the drain limit.
     */
    private static final class Accumulator {
        private final int limit;
        private byte[] bytes;
        private int size;
        private long received;
        /** Set once the body ended, or its reading stopped; read on the event loop. */
        volatile boolean ended;

        Accumulator(int limit, int expected) {
            this.limit = limit;
            this.bytes = new byte[Math.max(0, Math.min(expected, limit))];
        }

        /** Copies the readable bytes of a buffer while under the limit; returns false once past the drain limit. */
        boolean append(ByteBuf buffer) {
            int n = buffer.readableBytes();
            received += n;
            if (received > limit) {
                bytes = null;
                return received <= DRAIN_LIMIT;
            }
            if (size + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.min(limit, Math.max(size + n, bytes.length * 2)));
            }
            buffer.getBytes(buffer.readerIndex(), bytes, size, n);
            size += n;
            return true;
        }

        RequestBody result() {
            if (received > DRAIN_LIMIT) {
                return RequestBody.OVERSIZE_UNREAD;
            }
            if (received > limit) {
                return RequestBody.OVERSIZE;
            }
            return RequestBody.of(size == bytes.length ? bytes : Arrays.copyOf(bytes, size));
        }
    }
}
