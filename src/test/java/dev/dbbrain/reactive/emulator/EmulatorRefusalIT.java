package dev.dbbrain.reactive.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.netty.tcp.TcpClient;

/**
 * What the API never serves is refused with an HTTP status, never a 200: CONNECT (a client that took the emulator
 * for an HTTPS proxy must fail at once, not in a TLS handshake later) and every method but GET and POST get 405,
 * a request target that is neither a path nor an absolute URL gets 400; both CONNECT and a bad target close the
 * connection.
 */
class EmulatorRefusalIT extends EmulatorTestSupport {

    /** Sends raw bytes and reads until the server closes the connection (or 10 s pass). */
    private String raw(String request) {
        return TcpClient.create().host("127.0.0.1").port(emulator.port())
                .connect()
                .flatMap(connection -> connection.outbound().sendString(Mono.just(request)).then()
                        .then(connection.inbound().receive().aggregate().asString()
                                .timeout(Duration.ofSeconds(10), Mono.just("(still open after 10 s)")))
                        .doFinally(signal -> connection.dispose()))
                .block(SignedCalls.TIMEOUT.plusSeconds(5));
    }

    @Test
    void connectIsRefusedWith405AndTheConnectionClosed() {
        start();
        String answer = raw("CONNECT dbbrain.tencentcloudapi.com:443 HTTP/1.1\r\n"
                + "Host: dbbrain.tencentcloudapi.com:443\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 405 ").containsIgnoringCase("allow: GET, POST")
                .containsIgnoringCase("connection: close").contains("not a proxy").doesNotContain("still open");
        assertThat(emulator.stats().errors()).containsEntry("refused.http405", 1L);
        assertThat(emulator.stats().requests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"})
    void everyMethodButGetAndPostIs405AndTheConnectionStaysUsable(String method) {
        start();
        Answer answer = calls.plain(method, "/");
        assertThat(answer.status()).isEqualTo(405);
        assertThat(answer.headers().get("Allow")).isEqualTo("GET, POST");
        assertThat(calls.describe(SignedCalls.INSTANCE, 1).exchange().errorCode()).isNull();
    }

    @Test
    void headIs405WithoutABody() {
        start();
        Answer answer = calls.plain("HEAD", "/");
        assertThat(answer.status()).isEqualTo(405);
        assertThat(answer.body()).isEmpty();
    }

    @Test
    void anAsteriskOrAuthorityTargetIs400AndTheConnectionClosed() {
        start();
        assertThat(raw("GET * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")).startsWith("HTTP/1.1 400 ")
                .containsIgnoringCase("connection: close").doesNotContain("still open");
        assertThat(raw("POST 127.0.0.1:80 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ").doesNotContain("still open");
    }
}
