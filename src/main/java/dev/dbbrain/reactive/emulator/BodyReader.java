package dev.dbbrain.reactive.emulator;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.Arrays;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Receives a request body into memory, never more than a limit.
 *
 * <p>A declared {@code Content-Length} above the limit is refused before a byte is read; a body without one
 * (chunked) is counted while it arrives and abandoned as soon as it crosses the limit. In both cases Reactor Netty
 * discards what is left of the body after the answer. Reactor Netty releases each received buffer once
 * {@code onNext} returns, so the bytes are copied out synchronously and no buffer is retained.
 */
final class BodyReader {

    private static final int INITIAL_CAPACITY = 1024;

    private BodyReader() {
    }

    static Mono<RequestBody> read(HttpServerRequest request, int limit) {
        if (skipsBody(request, limit)) {
            return Mono.just(RequestBody.OVERSIZE);
        }
        long declared = declaredLength(request);
        return Mono.defer(() -> {
            Accumulator body = new Accumulator(limit, declared < 0 ? INITIAL_CAPACITY : (int) declared);
            return request.receive()
                    .takeUntil(buffer -> !body.append(buffer))
                    .then(Mono.fromSupplier(body::result));
        });
    }

    /** Whether the body is refused unread, its declared Content-Length being over the limit. */
    static boolean skipsBody(HttpServerRequest request, int limit) {
        return declaredLength(request) > limit;
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

    /** A growing byte array that gives up (and frees what it held) once the limit is crossed. */
    private static final class Accumulator {
        private final int limit;
        private byte[] bytes;
        private int size;
        private boolean oversize;

        Accumulator(int limit, int expected) {
            this.limit = limit;
            this.bytes = new byte[Math.max(0, Math.min(expected, limit))];
        }

        /** Copies the readable bytes of a buffer; returns false once the body is known to be too large. */
        boolean append(ByteBuf buffer) {
            int n = buffer.readableBytes();
            if (oversize || (long) size + n > limit) {
                oversize = true;
                bytes = null;
                return false;
            }
            if (size + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.min(limit, Math.max(size + n, bytes.length * 2)));
            }
            buffer.getBytes(buffer.readerIndex(), bytes, size, n);
            size += n;
            return true;
        }

        RequestBody result() {
            return oversize ? RequestBody.OVERSIZE : RequestBody.of(size == bytes.length ? bytes : Arrays.copyOf(bytes, size));
        }
    }
}
