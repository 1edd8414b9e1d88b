package dev.dbbrain.reactive;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Collects a response body up to a size cap. Past the cap the collection fails at once, which cancels the body
 * and closes the connection: a hostile server cannot make the client buffer more than the cap.
 *
 * <p>Bytes are copied straight out of Netty's buffers (which Reactor Netty releases once {@code onNext} returns)
 * into one array, sized by the declared {@code Content-Length} when there is one, so a body costs about its own
 * size once, not the three or four copies a stream, its growth and a final copy would make.
 */
final class BoundedBody {

    private static final int INITIAL_CAPACITY = 8192;

    private final int limit;
    private byte[] bytes;
    private int count;

    private BoundedBody(int limit, long declaredLength) {
        this.limit = limit;
        this.bytes = new byte[(int) (declaredLength >= 0 && declaredLength <= limit ? declaredLength
                : Math.min(limit, INITIAL_CAPACITY))];
    }

    /**
     * Emits the whole body, or {@link TooLarge} as soon as it passes {@code limit} bytes.
     *
     * @param declaredLength the {@code Content-Length}, or -1 when unknown; only sizes the first buffer
     */
    static Mono<byte[]> collect(Flux<ByteBuf> chunks, int limit, long declaredLength) {
        return chunks.collect(() -> new BoundedBody(limit, declaredLength), BoundedBody::append)
                .map(BoundedBody::toByteArray);
    }

    private void append(ByteBuf chunk) {
        int n = chunk.readableBytes();
        if (count + (long) n > limit) {
            bytes = null;
            throw new TooLarge(limit);
        }
        if (count + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max(count + (long) n, 2L * bytes.length)));
        }
        chunk.getBytes(chunk.readerIndex(), bytes, count, n);
        count += n;
    }

    private byte[] toByteArray() {
        return count == bytes.length ? bytes : Arrays.copyOf(bytes, count);
    }

    /** The body passed the cap; carries no body bytes. */
    static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(int limit) {
            super("response body larger than the maximum response size of " + limit + " bytes", null, false, false);
        }
    }
}
