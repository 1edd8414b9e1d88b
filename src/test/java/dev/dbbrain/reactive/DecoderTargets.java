package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.internal.BoundedBody;
import dev.dbbrain.reactive.internal.EnvelopeReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import reactor.core.publisher.Flux;

/**
 * Fuzz targets of the answer decoders (run by {@code dev.dbbrain.reactive.fuzz}): each takes any bytes and either
 * returns or throws what the decoder's contract allows, checked; anything else escapes as a finding.
 *
 * <p>The decoders get small size caps, so that inputs of a few kilobytes reach the caps' own checks.
 */
public final class DecoderTargets {

    /** The size cap of the decoders here: inputs longer than this reach the document-length check. */
    public static final int CAP = 2048;
    private static final EnvelopeReader ENVELOPES = new EnvelopeReader(CAP);
    private static final JsonCodec CODEC = new JsonCodec(CAP, ZoneOffset.ofHours(8));
    private static final String ENVELOPE_ACTION = "FuzzedAction";

    private DecoderTargets() {
    }

    /**
     * The envelope reader with every typed accessor: a field is read as an integer, a string or an array of strings,
     * or skipped, by the length of its name.
     */
    public static void envelope(byte[] body) {
        EnvelopeReader.Reading reading = ENVELOPES.reading(ENVELOPE_ACTION);
        try {
            reading.read(body, (field, p) -> switch (field.length() % 4) {
                case 0 -> {
                    reading.longOrNull(p, field);
                    yield true;
                }
                case 1 -> {
                    reading.string(p, field);
                    yield true;
                }
                case 2 -> {
                    reading.strings(p, field);
                    yield true;
                }
                default -> false;
            });
        } catch (DbbrainException e) {
            typed(e, ENVELOPE_ACTION);
        }
    }

    /** The CreateProxySessionKillTask decoder: a response with its AsyncRequestId, or a typed exception. */
    public static void createAnswer(byte[] body) {
        try {
            CreateProxySessionKillTaskResponse response = CODEC.decodeCreate(body);
            assertThat(response.requestId()).isNotNull();
        } catch (DbbrainException e) {
            typed(e, ApiAction.CREATE.actionName());
        }
    }

    /** The DescribeProxySessionKillTasks decoder: tasks without null elements, or a typed exception. */
    public static void describeAnswer(byte[] body) {
        try {
            DescribeProxySessionKillTasksResponse response = CODEC.decodeDescribe(body);
            assertThat(response.tasks()).doesNotContainNull().allSatisfy(t -> {
                assertThat(t.instProxyList()).doesNotContainNull();
                assertThat(t.finishedProxyList()).doesNotContainNull();
                assertThat(t.failedProxyList()).doesNotContainNull();
                assertThat(t.taskStatus()).isNotNull();
            });
        } catch (DbbrainException e) {
            typed(e, ApiAction.DESCRIBE.actionName());
        }
    }

    /**
     * The body collector: the first two bytes choose the limit (1 to 4096), the third how the Content-Length is
     * declared (absent, exact, wrong, huge) and the chunking; the rest is the body. It comes back whole when it fits,
     * else as {@link BoundedBody.TooLarge}.
     */
    public static void boundedBody(byte[] input) {
        if (input.length < 3) {
            return;
        }
        int limit = 1 + (((input[0] & 0xFF) << 4 | (input[1] & 0x0F)) & 0xFFF);
        int mode = input[2] & 0xFF;
        int total = input.length - 3;
        long declared = switch (mode & 3) {
            case 0 -> -1;
            case 1 -> total;
            case 2 -> mode * 31L;
            default -> Long.MAX_VALUE - mode;
        };
        SplittableRandom chunking = new SplittableRandom(mode);
        List<ByteBuf> chunks = new ArrayList<>();
        for (int at = 3; at < input.length; ) {
            int n = Math.min(input.length - at, chunking.nextInt(65));
            chunks.add(Unpooled.wrappedBuffer(input, at, n));
            at += n;
        }
        try {
            byte[] body = BoundedBody.collect(Flux.fromIterable(chunks), limit, declared).block(Duration.ofSeconds(5));
            assertThat(total).isLessThanOrEqualTo(limit);
            assertThat(body).hasSize(total).isEqualTo(java.util.Arrays.copyOfRange(input, 3, input.length));
        } catch (BoundedBody.TooLarge e) {
            assertThat(total).isGreaterThan(limit);
        }
    }

    /** What every typed failure of a decoder must be: named after its action, with a message of sane length. */
    private static void typed(DbbrainException e, String action) {
        assertThat(e).isInstanceOfAny(DbbrainDecodingException.class, DbbrainApiException.class);
        assertThat(e.action()).isEqualTo(action);
        assertThat(e.getMessage()).startsWith(action).hasSizeLessThan(4096);
    }
}
