package dev.dbbrain.reactive.testing;

import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.resources.ConnectionProvider;

/**
 * A loopback HTTP proxy in front of a server that loses answers: each request is forwarded as received (headers,
 * Host and signature included), and with the given probability the answer, once the server has acted on the
 * request, is replaced by a connection reset. The emulator's own faults replace the processing; this one follows
 * it, as a gateway failing after the service did the work does — the case where resending a Create would create a
 * second task.
 */
public final class LossyProxy implements AutoCloseable {

    private record Answer(HttpResponseStatus status, HttpHeaders headers, byte[] body) {
    }

    private final DisposableServer server;
    private final ConnectionProvider upstreamPool = ConnectionProvider.create("lossy-proxy", 64);
    private final AtomicLong lost = new AtomicLong();
    private final ChannelGroup accepted = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    private LossyProxy(String upstream, double lossProbability, long seed, int port) {
        Random random = new Random(seed);
        HttpClient client = HttpClient.create(upstreamPool).responseTimeout(Duration.ofSeconds(30));
        this.server = HttpServer.create().host("127.0.0.1").port(port)
                .doOnConnection(connection -> accepted.add(connection.channel()))
                .handle((req, res) -> req.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                        .flatMap(body -> client.headers(h -> h.set(req.requestHeaders()))
                                .request(req.method()).uri(upstream + req.uri())
                                .send((r, out) -> out.sendByteArray(Mono.just(body)))
                                .responseSingle((r, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                                        .map(b -> new Answer(r.status(), r.responseHeaders().copy(), b))))
                        .flatMap(answer -> {
                            boolean lose;
                            synchronized (random) {
                                lose = random.nextDouble() < lossProbability;
                            }
                            if (lose) {
                                lost.incrementAndGet();
                                return reset(req);
                            }
                            return res.status(answer.status()).headers(answer.headers())
                                    .sendByteArray(Mono.just(answer.body())).then();
                        })
                        // The server reset the connection (its own fault): pass that on.
                        .onErrorResume(e -> reset(req)))
                .bindNow(Duration.ofSeconds(10));
    }

    private static Mono<Void> reset(HttpServerRequest req) {
        return Mono.fromRunnable(() -> req.withConnection(c -> {
            c.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            c.channel().close();
        }));
    }

    /**
     * Starts a proxy to {@code upstream} (such as an emulator's endpoint).
     *
     * @param upstream the server's base URL
     * @param lossProbability the probability that an answer is lost after the server acted
     * @param seed the seed of the losses
     * @return the running proxy
     */
    public static LossyProxy start(String upstream, double lossProbability, long seed) {
        return new LossyProxy(upstream, lossProbability, seed, 0);
    }

    /**
     * Starts a proxy that loses nothing on a given port: a front end that can go away and come back on the same
     * address while the server behind it keeps its state.
     *
     * @param upstream the server's base URL
     * @param port the port to listen on, 0 for an ephemeral one
     * @return the running proxy
     */
    public static LossyProxy forward(String upstream, int port) {
        return new LossyProxy(upstream, 0, 0, port);
    }

    public int port() {
        return server.port();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.port();
    }

    /** How many answers were lost so far. */
    public long lost() {
        return lost.get();
    }

    /** Stops listening and drops every connection it accepted, as a process going away does. */
    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(10));
        accepted.close().awaitUninterruptibly(10_000);
        upstreamPool.disposeLater().block(Duration.ofSeconds(10));
    }
}
