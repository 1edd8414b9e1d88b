package dev.dbbrain.reactive.testing;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A real Reactor Netty server on an ephemeral loopback port that answers with a scripted handler and records
 * every request it received (headers and body). For HTTP-level edge cases the emulator does not produce.
 */
public final class ScriptedServer implements AutoCloseable {

    /** One received request. */
    public record Received(io.netty.handler.codec.http.HttpHeaders headers, byte[] body) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final DisposableServer server;
    private final boolean tls;

    private ScriptedServer(BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler,
            SslContext tls) {
        this.tls = tls != null;
        HttpServer http = HttpServer.create().host("127.0.0.1").port(0);
        if (tls != null) {
            http = http.secure(spec -> spec.sslContext(tls));
        }
        this.server = http
                .handle((req, res) -> req.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                        .flatMap(body -> {
                            received.add(new Received(req.requestHeaders().copy(), body));
                            return Mono.from(handler.apply(req, res));
                        }))
                .bindNow(Duration.ofSeconds(10));
    }

    public static ScriptedServer start(BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
        return new ScriptedServer(handler, null);
    }

    /** The same over HTTPS with the given server certificate. */
    public static ScriptedServer startTls(SslContext tls,
            BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
        return new ScriptedServer(handler, tls);
    }

    public String endpoint() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + server.port();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(10));
    }
}
