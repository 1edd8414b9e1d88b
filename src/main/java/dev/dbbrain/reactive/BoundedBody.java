package dev.dbbrain.reactive;

import java.io.ByteArrayOutputStream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Collects a response body up to a size cap. Past the cap the collection fails at once, which cancels the body
 * and closes the connection: a hostile server cannot make the client buffer more than the cap.
 */
final class BoundedBody extends ByteArrayOutputStream {

    private final int limit;

    private BoundedBody(int limit) {
        super(Math.min(limit, 8192));
        this.limit = limit;
    }

    /** Emits the whole body, or {@link TooLarge} as soon as it passes {@code limit} bytes. */
    static Mono<byte[]> collect(Flux<byte[]> chunks, int limit) {
        return chunks.collect(() -> new BoundedBody(limit), BoundedBody::append).map(BoundedBody::toByteArray);
    }

    private void append(byte[] chunk) {
        if (count + (long) chunk.length > limit) {
            throw new TooLarge(limit);
        }
        write(chunk, 0, chunk.length);
    }

    /** The body passed the cap; carries no body bytes. */
    static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(int limit) {
            super("response body larger than the maximum response size of " + limit + " bytes", null, false, false);
        }
    }
}
