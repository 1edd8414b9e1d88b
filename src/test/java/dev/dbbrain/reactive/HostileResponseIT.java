package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * The hostile bodies through a real HTTP server on loopback, so that the size cap applies while the body
 * streams in: each call ends in a typed exception naming the action, and the client's threads allocate a small
 * multiple of the cap however large the body the server sends.
 */
class HostileResponseIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CAP = DbbrainClient.DEFAULT_MAX_RESPONSE_SIZE;
    private static final long ALLOCATION_BOUND = 8L * CAP;
    private static final int SIXTY_FOUR_MIB = 64 << 20;
    private static final byte[] CHUNK = new byte[64 * 1024];

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** The server runs on loops of its own, so that its allocations are not counted as the client's. */
    private static final LoopResources SERVER_LOOPS = LoopResources.create("hostile-server", 1, true);
    private static final AtomicReference<BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>>> SCRIPT =
            new AtomicReference<>();
    private static DisposableServer server;
    private static DbbrainClient client;

    @BeforeAll
    static void start() {
        Arrays.fill(CHUNK, (byte) 'x');
        server = HttpServer.create().runOn(SERVER_LOOPS).host("127.0.0.1").port(0)
                .handle((req, res) -> req.receive().then(Mono.defer(() -> Mono.from(SCRIPT.get().apply(req, res)))))
                .bindNow(WAIT);
        client = DbbrainClient.builder().endpoint("http://127.0.0.1:" + server.port())
                .credentials(Credentials.of("AKIDhostile", "hostile-secret-key")).maxRetries(0)
                .responseTimeout(Duration.ofSeconds(10))
                .rateLimiter(RateLimiter.unlimited()).build();
        // Loads and compiles the client's path once, so that the first measured call is not charged for it.
        SCRIPT.set(json(200, "{\"Response\":{\"Tasks\":[],\"TotalCount\":0,\"RequestId\":\"warm\"}}"));
        for (int i = 0; i < 20; i++) {
            describe().block(WAIT);
        }
    }

    @AfterAll
    static void stop() {
        client.close();
        server.disposeNow(WAIT);
        SERVER_LOOPS.disposeLater().block(WAIT);
    }

    private static Mono<DescribeProxySessionKillTasksResponse> describe() {
        return client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-hostile1", 1L));
    }

    private static BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> json(int status, String body) {
        return (req, res) -> res.status(status).header("Content-Type", "application/json")
                .sendByteArray(Mono.just(body.getBytes(StandardCharsets.UTF_8))).then();
    }

    /** {@code prefix}, then {@code size} bytes of {@code x} in 64 KiB chunks, then {@code suffix}: never in memory whole. */
    private static Flux<ByteBuf> streamed(String prefix, long size, String suffix) {
        return Flux.concat(
                Mono.fromSupplier(() -> Unpooled.copiedBuffer(prefix, StandardCharsets.UTF_8)),
                Flux.range(0, (int) (size / CHUNK.length)).map(i -> Unpooled.wrappedBuffer(CHUNK)),
                Mono.fromSupplier(() -> Unpooled.copiedBuffer(suffix, StandardCharsets.UTF_8)));
    }

    /** The bytes allocated by the client's event loops and this thread while {@code call} runs to its error. */
    private static Throwable failureMeasured(long[] allocated) {
        long[] ids = clientThreadIds();
        long before = sum(THREADS.getThreadAllocatedBytes(ids)) + THREADS.getCurrentThreadAllocatedBytes();
        Throwable error = describe().then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(WAIT);
        allocated[0] = sum(THREADS.getThreadAllocatedBytes(ids)) + THREADS.getCurrentThreadAllocatedBytes() - before;
        // A figure for the notes: what the client allocated, against the bound asserted.
        System.out.printf("HostileResponseIT: client allocated %.1f MiB (bound %d MiB) ending in %s%n",
                allocated[0] / 1048576.0, ALLOCATION_BOUND >> 20, error == null ? "no error" : error.getClass()
                        .getSimpleName());
        return error;
    }

    private static long[] clientThreadIds() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("reactor-http-") || t.getName().startsWith("parallel-"))
                .mapToLong(Thread::getId).toArray();
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            total += Math.max(0, v);
        }
        return total;
    }

    private static DbbrainException typed(Throwable error) {
        assertThat(error).isInstanceOf(DbbrainException.class);
        DbbrainException e = (DbbrainException) error;
        assertThat(e.action()).isEqualTo("DescribeProxySessionKillTasks");
        assertThat(e.getMessage()).startsWith("DescribeProxySessionKillTasks").hasSizeLessThan(4096);
        return e;
    }

    @Test
    void sixtyFourMebibyteStringStreamedWithoutLengthIsCutAtTheCap() {
        SCRIPT.set((req, res) -> res.header("Content-Type", "application/json")
                .send(streamed("{\"Response\":{\"RequestId\":\"", SIXTY_FOUR_MIB, "\"}}")).then());
        long[] allocated = new long[1];
        DbbrainException e = typed(failureMeasured(allocated));
        assertThat(e).isInstanceOf(DbbrainDecodingException.class).hasMessageContaining("maximum response size");
        assertThat(allocated[0]).as("bytes allocated by the client for a 64 MiB body").isLessThan(ALLOCATION_BOUND);
    }

    @Test
    void sixtyFourMebibyteBodyDeclaredByContentLengthIsRefusedUnread() {
        SCRIPT.set((req, res) -> res.header("Content-Type", "application/json")
                .header("Content-Length", Long.toString(SIXTY_FOUR_MIB + 30L))
                .send(streamed("{\"Response\":{\"RequestId\":\"", SIXTY_FOUR_MIB, "\"}}")).then());
        long[] allocated = new long[1];
        DbbrainException e = typed(failureMeasured(allocated));
        assertThat(e).isInstanceOf(DbbrainDecodingException.class).hasMessageContaining("maximum response size");
        assertThat(allocated[0]).isLessThan(CAP);
    }

    @Test
    void sixtyFourMebibyteGatewayPageIsAnHttpErrorWithoutReadingItAll() {
        SCRIPT.set((req, res) -> res.status(502).header("Content-Type", "text/html")
                .send(streamed("<html><body>", SIXTY_FOUR_MIB, "</body></html>")).then());
        long[] allocated = new long[1];
        DbbrainException e = typed(failureMeasured(allocated));
        assertThat(e).isInstanceOfSatisfying(DbbrainHttpException.class, h -> assertThat(h.status()).isEqualTo(502));
        assertThat(allocated[0]).isLessThan(ALLOCATION_BOUND);
    }

    @Test
    void capSizedBodyOfTinyStringsIsRefusedWithinTheMemoryBound() {
        String body = "{\"Response\":{\"Tasks\":[{\"AsyncRequestId\":1,\"InstProxyList\":["
                + "\"a\",".repeat(CAP / 4 - 40) + "\"a\"]}],\"RequestId\":\"tiny\"}}";
        assertThat(body.length()).isLessThanOrEqualTo(CAP);
        SCRIPT.set(json(200, body));
        long[] allocated = new long[1];
        DbbrainException e = typed(failureMeasured(allocated));
        assertThat(e).isInstanceOf(DbbrainDecodingException.class).hasMessageContaining("bytes of memory");
        assertThat(allocated[0]).isLessThan(ALLOCATION_BOUND);
    }

    @Test
    void twoHundredThousandNestedArraysFailOnNestingDepth() {
        int levels = 200_000;
        SCRIPT.set(json(200, "{\"Response\":{\"Tasks\":" + "[".repeat(levels) + "]".repeat(levels)
                + ",\"RequestId\":\"deep\"}}"));
        long[] allocated = new long[1];
        assertThat(typed(failureMeasured(allocated))).isInstanceOf(DbbrainDecodingException.class)
                .hasMessageContaining("nesting depth");
        assertThat(allocated[0]).isLessThan(ALLOCATION_BOUND);
    }

    @Test
    void hundredThousandDigitNumberFailsOnNumberLength() {
        SCRIPT.set(json(200, "{\"Response\":{\"TotalCount\":" + "9".repeat(100_000) + ",\"RequestId\":\"digits\"}}"));
        long[] allocated = new long[1];
        assertThat(typed(failureMeasured(allocated))).isInstanceOf(DbbrainDecodingException.class)
                .hasMessageContaining("Number value length");
        assertThat(allocated[0]).isLessThan(ALLOCATION_BOUND);
    }

    @Test
    void bodyCutShortOfItsContentLengthIsATransportError() {
        SCRIPT.set((req, res) -> res.header("Content-Type", "application/json").header("Content-Length", "1000")
                .sendString(Mono.just("{\"Response\":{\"Tasks\":[")).then()
                .then(Mono.fromRunnable(() -> res.withConnection(c -> c.channel().close()))));
        DbbrainException e = typed(describe().then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(WAIT));
        assertThat(e).isInstanceOf(DbbrainTransportException.class);
        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void truncatedEmptyHtmlCodelessAndGarbageBodiesAreDecodingErrorsNamingTheAction() {
        String[] bodies = {
            "{\"Response\":{\"Tasks\":[{\"AsyncRequestId\":1",
            "",
            "<html><head><title>200 OK</title></head><body>maintenance</body></html>",
            "{\"Response\":{\"Error\":{\"Message\":\"no code\"},\"RequestId\":\"codeless\"}}",
            "\u0000\u00ff\ufffd garbage \u001b[2J",
        };
        for (String body : bodies) {
            SCRIPT.set(json(200, body));
            DbbrainException e = typed(describe().then(Mono.<Throwable>empty()).onErrorResume(Mono::just)
                    .block(WAIT));
            assertThat(e).as(body).isInstanceOf(DbbrainDecodingException.class);
            assertThat(e.isRetryable()).isTrue();
        }
        SCRIPT.set(json(200, "{\"Response\":{\"Error\":{\"Message\":\"no code\"},\"RequestId\":\"codeless\"}}"));
        assertThat(typed(describe().then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(WAIT))
                .requestId()).isEqualTo("codeless");
    }
}
