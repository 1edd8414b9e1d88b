package dev.dbbrain.reactive.internal;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
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
public final class BoundedBody {

    private static final int INITIAL_CAPACITY = 8192;
    private static final int SNIPPET_CHARS = 512;

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
    public static Mono<byte[]> collect(Flux<ByteBuf> chunks, int limit, long declaredLength) {
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
    /**
     * The declared {@code Content-Length}, or -1 when absent or not a number.
     *
     * @param headers the response headers
     * @return the declared length, or -1
     */
    public static long contentLength(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The start of a body as text, whitespace collapsed, at most 512 characters: for messages about answers that
     * are not the API's.
     *
     * @param bytes the body
     * @return the snippet
     */
    public static String snippet(byte[] bytes) {
        String text = new String(bytes, 0, Math.min(bytes.length, SNIPPET_CHARS * 4), StandardCharsets.UTF_8);
        text = text.replaceAll("\\s+", " ").strip();
        return text.length() > SNIPPET_CHARS ? text.substring(0, SNIPPET_CHARS) : text;
    }

    public static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(int limit) {
            super("response body larger than the maximum response size of " + limit + " bytes", null, false, false);
        }
    }
}
