package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.testing.ScriptedServer;
import dev.dbbrain.reactive.testing.SelfSignedCertificate;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

/** TLS is verified by default: an untrusted certificate is refused, and trust is only ever the user's choice. */
class DbbrainClientTlsIT {

    private static final Credentials CREDS = Credentials.of("AKIDtls", "tls-secret-key");
    private static SelfSignedCertificate certificate;
    private static ScriptedServer server;

    @BeforeAll
    static void startHttpsServer(@TempDir Path dir) throws Exception {
        certificate = SelfSignedCertificate.create(dir);
        server = ScriptedServer.startTls(certificate.serverContext(), (req, res) -> res
                .header("Content-Type", "application/json")
                .sendString(Mono.just("{\"Response\":{\"AsyncRequestId\":7,\"RequestId\":\"tls\"}}")).then());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpClient trusting() {
        return HttpClient.create().secure(spec -> {
            try {
                spec.sslContext(SslContextBuilder.forClient().trustManager(certificate.certificate()).build());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * The emulator behind a TLS front on loopback: requests are passed on unchanged (Host included, so signatures
     * still verify), answers passed back unchanged.
     */
    private static DisposableServer httpsFront(DbbrainEmulator emulator) throws Exception {
        HttpClient toEmulator = HttpClient.create();
        return HttpServer.create().host("127.0.0.1").port(0)
                .secure(spec -> {
                    try {
                        spec.sslContext(certificate.serverContext());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .handle((req, res) -> req.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                        .flatMap(body -> toEmulator.headers(h -> h.set(req.requestHeaders()))
                                .request(req.method()).uri(emulator.endpoint() + req.uri())
                                .send(Mono.just(Unpooled.wrappedBuffer(body)))
                                .responseSingle((answer, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                                        .flatMap(bytes -> res.status(answer.status())
                                                .headers(answer.responseHeaders()).sendByteArray(Mono.just(bytes))
                                                .then()))))
                .bindNow(Duration.ofSeconds(10));
    }

    @Test
    void theHttpsEmulatorIsRefusedByDefaultAndServesKillsAndWatchesOnceTrustIsConfigured() throws Exception {
        try (DbbrainEmulator emulator = DbbrainEmulator.builder().credentials("AKIDtls", "tls-secret-key")
                .stepDuration(Duration.ofMillis(20)).start()) {
            DisposableServer front = httpsFront(emulator);
            String endpoint = "https://127.0.0.1:" + front.port();
            try (DbbrainClient byDefault = DbbrainClient.builder().endpoint(endpoint).credentials(CREDS)
                    .maxRetries(0).build()) {
                StepVerifier.create(byDefault.killProxySessions("crs-tls00001"))
                        .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainTransportException.class)
                                .hasMessageContaining("CreateProxySessionKillTask")
                                .hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class))
                        .verify(Duration.ofSeconds(15));
            }
            assertThat(emulator.stats().requests()).as("nothing reached the emulator").isEmpty();
            try (DbbrainClient trusted = DbbrainClient.builder().endpoint(endpoint).credentials(CREDS)
                    .httpClient(trusting()).watchOptions(WatchOptions.defaults().pollInterval(Duration.ofMillis(50)))
                    .build()) {
                TaskInfo last = trusted.killProxySessions("crs-tls00001").last().block(Duration.ofSeconds(30));
                assertThat(last.taskStatus()).isEqualTo(TaskStatus.FINISHED);
            } finally {
                front.disposeNow(Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void aTrustedCertificateForAnotherHostNameIsStillRefused() {
        // The certificate names 127.0.0.1 only; trusting it does not turn host name verification off.
        String wrongName = server.endpoint().replace("127.0.0.1", "localhost");
        DbbrainClient client = DbbrainClient.builder().endpoint(wrongName).credentials(CREDS).maxRetries(0)
                .httpClient(trusting()).build();
        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainTransportException.class)
                        .hasRootCauseInstanceOf(java.security.cert.CertificateException.class))
                .verify(Duration.ofSeconds(15));
        client.close();
    }

    @Test
    void defaultClientRefusesASelfSignedCertificate() {
        assertThat(server.endpoint()).startsWith("https://127.0.0.1:");
        DbbrainClient client = DbbrainClient.builder().endpoint(server.endpoint()).credentials(CREDS).maxRetries(0).build();
        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainTransportException.class)
                        .hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class)
                        .cause().isInstanceOf(SSLException.class))
                .verify(Duration.ofSeconds(15));
        client.close();
        assertThat(server.received()).isEmpty();
    }

    @Test
    void explicitlyTrustedCertificateWorksThroughAUserSuppliedHttpClient() throws Exception {
        DbbrainClient client = DbbrainClient.builder().endpoint(server.endpoint()).credentials(CREDS).maxRetries(0)
                .httpClient(trusting()).build();
        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                .assertNext(r -> assertThat(r.asyncRequestId()).isEqualTo(7))
                .verifyComplete();
        client.close();
    }

    @Test
    void trustedCertificatesOfTheBuilderServeTheNamedHostAndStillRefuseAnotherHostName() throws Exception {
        try (DbbrainClient client = DbbrainClient.builder().endpoint(server.endpoint()).credentials(CREDS)
                .maxRetries(0).trustedCertificates(certificate.certificate()).build()) {
            StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                    .assertNext(r -> assertThat(r.asyncRequestId()).isEqualTo(7))
                    .verifyComplete();
        }
        // The certificate names 127.0.0.1 only: trusting it leaves host name verification on.
        try (DbbrainClient client = DbbrainClient.builder().endpoint(server.endpoint().replace("127.0.0.1",
                "localhost")).credentials(CREDS).maxRetries(0).trustedCertificates(certificate.certificate())
                .build()) {
            StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainTransportException.class)
                            .hasRootCauseInstanceOf(java.security.cert.CertificateException.class))
                    .verify(Duration.ofSeconds(15));
        }
    }

    @Test
    void trustedCertificatesTogetherWithAUserSuppliedHttpClientAreRefusedAtBuild() throws Exception {
        DbbrainClient.Builder both = DbbrainClient.builder().endpoint(server.endpoint()).credentials(CREDS)
                .httpClient(HttpClient.create()).trustedCertificates(certificate.certificate());
        org.assertj.core.api.Assertions.assertThatThrownBy(both::build)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("httpClient");
        DbbrainClient.builder().endpoint(server.endpoint()).credentials(CREDS).httpClient(HttpClient.create())
                .trustedCertificates(certificate.certificate()).trustedCertificates().build().close();
    }
}
