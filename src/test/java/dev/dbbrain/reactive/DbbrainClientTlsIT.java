package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.testing.ScriptedServer;
import dev.dbbrain.reactive.testing.SelfSignedCertificate;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
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
        HttpClient trusting = HttpClient.create().secure(spec -> {
            try {
                spec.sslContext(SslContextBuilder.forClient().trustManager(certificate.certificate()).build());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        DbbrainClient client = DbbrainClient.builder().endpoint(server.endpoint()).credentials(CREDS).maxRetries(0)
                .httpClient(trusting).build();
        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-1")))
                .assertNext(r -> assertThat(r.asyncRequestId()).isEqualTo(7))
                .verifyComplete();
        client.close();
    }
}
