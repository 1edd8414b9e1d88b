package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorAnswer;
import dev.dbbrain.reactive.testing.SelfSignedCertificate;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

/**
 * TLS is verified by default: an untrusted certificate is refused, and trust is only ever the user's choice.
 *
 * <p>The HTTPS endpoint is the emulator serving TLS ({@code tls(true)}) with a certificate made at its start. The
 * host-name checks need one more endpoint, {@link #onlyFor127001}: the emulator's certificate names
 * {@code localhost} too, so a name it does not cover would have to resolve to loopback without being in it, and no
 * such name exists on every machine. That endpoint's certificate names {@code 127.0.0.1} only; its TLS handshake is
 * the test's subject and no request ever gets past it.
 */
class DbbrainClientTlsIT {

    private static final Credentials CREDS = Credentials.of("AKIDtls", "tls-secret-key");
    private static DbbrainEmulator server;
    private static SelfSignedCertificate certificateFor127001;
    private static DisposableServer onlyFor127001;

    @BeforeAll
    static void startHttpsServers(@TempDir Path dir) throws Exception {
        server = DbbrainEmulator.builder().credentials(CREDS.secretId(), CREDS.secretKey()).tls(true)
                .stepDuration(Duration.ofMillis(20)).start();
        server.dispatcher(request -> "crs-1".equals(request.parameters().get("InstanceId"))
                ? EmulatorAnswer.created(7).withRequestId("tls") : EmulatorAnswer.simulated());
        certificateFor127001 = SelfSignedCertificate.create(dir);
        onlyFor127001 = HttpServer.create().host("127.0.0.1").port(0)
                .secure(spec -> {
                    try {
                        spec.sslContext(certificateFor127001.serverContext());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .handle((req, res) -> res.status(500).send())
                .bindNow(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        server.close();
        onlyFor127001.disposeNow(Duration.ofSeconds(10));
    }

    private static X509Certificate emulatorCertificate() {
        return server.certificate().orElseThrow();
    }

    private static HttpClient trusting(X509Certificate certificate) {
        return HttpClient.create().secure(spec -> {
            try {
                spec.sslContext(SslContextBuilder.forClient().trustManager(certificate).build());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The endpoint whose certificate names 127.0.0.1 only, addressed as {@code localhost}. */
    private static String wrongName() {
        return "https://localhost:" + onlyFor127001.port();
    }

    @Test
    void theHttpsEmulatorIsRefusedByDefaultAndServesKillsAndWatchesOnceTrustIsConfigured() {
        try (DbbrainEmulator emulator = DbbrainEmulator.builder().credentials("AKIDtls", "tls-secret-key").tls(true)
                .stepDuration(Duration.ofMillis(20)).start()) {
            String endpoint = emulator.endpoint();
            assertThat(endpoint).startsWith("https://127.0.0.1:");
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
                    .httpClient(trusting(emulator.certificate().orElseThrow()))
                    .watchOptions(WatchOptions.defaults().pollInterval(Duration.ofMillis(50)))
                    .build()) {
                TaskInfo last = trusted.killProxySessions("crs-tls00001").last().block(Duration.ofSeconds(30));
                assertThat(last.taskStatus()).isEqualTo(TaskStatus.FINISHED);
            }
        }
    }

    @Test
    void aTrustedCertificateForAnotherHostNameIsStillRefused() throws Exception {
        // The certificate names 127.0.0.1 only; trusting it does not turn host name verification off.
        DbbrainClient client = DbbrainClient.builder().endpoint(wrongName()).credentials(CREDS).maxRetries(0)
                .httpClient(trusting(certificateFor127001.certificate())).build();
        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainTransportException.class)
                        .hasRootCauseInstanceOf(java.security.cert.CertificateException.class))
                .verify(Duration.ofSeconds(15));
        client.close();
    }

    @Test
    void defaultClientRefusesASelfSignedCertificate() {
        assertThat(server.endpoint()).startsWith("https://127.0.0.1:");
        long before = server.requestCount();
        DbbrainClient client = DbbrainClient.builder().endpoint(server.endpoint()).credentials(CREDS).maxRetries(0).build();
        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainTransportException.class)
                        .hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class)
                        .cause().isInstanceOf(SSLException.class))
                .verify(Duration.ofSeconds(15));
        client.close();
        assertThat(server.requestCount()).isEqualTo(before);
    }

    @Test
    void explicitlyTrustedCertificateWorksThroughAUserSuppliedHttpClient() {
        DbbrainClient client = DbbrainClient.builder().endpoint(server.endpoint()).credentials(CREDS).maxRetries(0)
                .httpClient(trusting(emulatorCertificate())).build();
        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                .assertNext(r -> assertThat(r.asyncRequestId()).isEqualTo(7))
                .verifyComplete();
        client.close();
    }

    @Test
    void trustedCertificatesOfTheBuilderServeTheNamedHostAndStillRefuseAnotherHostName() throws Exception {
        try (DbbrainClient client = DbbrainClient.builder().endpoint(server.endpoint()).credentials(CREDS)
                .maxRetries(0).trustedCertificates(emulatorCertificate()).build()) {
            StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                    .assertNext(r -> assertThat(r.asyncRequestId()).isEqualTo(7))
                    .verifyComplete();
        }
        // The certificate names 127.0.0.1 only: trusting it leaves host name verification on.
        try (DbbrainClient client = DbbrainClient.builder().endpoint(wrongName()).credentials(CREDS)
                .maxRetries(0).trustedCertificates(certificateFor127001.certificate()).build()) {
            StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainTransportException.class)
                            .hasRootCauseInstanceOf(java.security.cert.CertificateException.class))
                    .verify(Duration.ofSeconds(15));
        }
    }

    @Test
    void trustedCertificatesTogetherWithAUserSuppliedHttpClientAreRefusedAtBuild() {
        DbbrainClient.Builder both = DbbrainClient.builder().endpoint(server.endpoint()).credentials(CREDS)
                .httpClient(HttpClient.create()).trustedCertificates(emulatorCertificate());
        org.assertj.core.api.Assertions.assertThatThrownBy(both::build)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("httpClient");
        DbbrainClient.builder().endpoint(server.endpoint()).credentials(CREDS).httpClient(HttpClient.create())
                .trustedCertificates(emulatorCertificate()).trustedCertificates().build().close();
    }
}
