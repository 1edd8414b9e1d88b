package dev.dbbrain.reactive.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DbbrainTransportException;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import dev.dbbrain.reactive.auth.Credentials;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.http.client.HttpClient;

/**
 * HTTPS: a self-signed certificate made at start, served on the emulator's port, written as PEM for other
 * processes, and trusted through the library's {@code trustedCertificates} with hostname verification on.
 */
class EmulatorTlsIT {

    private static final Credentials CREDENTIALS = Credentials.of("AKIDtlsemulator", "tls-emulator-key");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private DbbrainEmulator.Builder tlsEmulator() {
        return DbbrainEmulator.builder().credentials(CREDENTIALS.secretId(), CREDENTIALS.secretKey())
                .stepDuration(Duration.ofMillis(20)).tls(true);
    }

    private static X509Certificate readPem(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @Test
    void theCertificateNamesTheLoopbackAddressesAndExtraNamesIsItsOwnAuthorityAndIsWrittenAsPemWithoutTheKey()
            throws Exception {
        Path file = dir.resolve("emulator.pem");
        try (DbbrainEmulator emulator = tlsEmulator().tlsHostNames("dbbrain.tencentcloudapi.com", "10.0.0.7")
                .tlsCertificateFile(file).start()) {
            assertThat(emulator.endpoint()).startsWith("https://127.0.0.1:");
            X509Certificate served = emulator.certificate().orElseThrow();
            assertThat(readPem(file)).isEqualTo(served);
            String pem = Files.readString(file);
            assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n")
                    .doesNotContain("PRIVATE");
            assertThat(served.getSubjectAlternativeNames().stream().map(name -> String.valueOf(name.get(1))))
                    .containsExactly("127.0.0.1", "0:0:0:0:0:0:0:1", "localhost", "dbbrain.tencentcloudapi.com",
                            "10.0.0.7");
            assertThat(served.getSubjectX500Principal()).isEqualTo(served.getIssuerX500Principal());
            served.verify(served.getPublicKey());
            assertThat(served.getBasicConstraints()).as("a CA, so that TLS stacks take it as a trust anchor")
                    .isGreaterThanOrEqualTo(0);
            assertThat(served.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
            assertThat(served.getNotBefore().toInstant()).isBefore(Instant.now());
            assertThat(served.getNotAfter().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(300)));
        }
    }

    @Test
    void aClientTrustingTheWrittenCertificateCreatesAndWatchesATaskOverHttps() throws Exception {
        Path file = dir.resolve("emulator.pem");
        try (DbbrainEmulator emulator = tlsEmulator().tlsCertificateFile(file).start();
                DbbrainClient client = DbbrainClient.builder().endpoint(emulator.endpoint()).credentials(CREDENTIALS)
                        .trustedCertificates(readPem(file)).build()) {
            long id = client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-tlstest1"))
                    .block(TIMEOUT).asyncRequestId();
            List<TaskInfo> seen = client.watch("crs-tlstest1", id).collectList().block(TIMEOUT);
            assertThat(seen).last().extracting(TaskInfo::taskStatus).isEqualTo(TaskStatus.FINISHED);
        }
    }

    @Test
    void aClientWithTheDefaultTrustStoreRefusesTheEmulatorsCertificate() {
        try (DbbrainEmulator emulator = tlsEmulator().start();
                DbbrainClient client = DbbrainClient.builder().endpoint(emulator.endpoint()).credentials(CREDENTIALS)
                        .maxRetries(0).build()) {
            assertThatThrownBy(() -> client.createProxySessionKillTask(
                    CreateProxySessionKillTaskRequest.of("crs-tlstest1")).block(TIMEOUT))
                    .isInstanceOf(DbbrainTransportException.class)
                    .hasStackTraceContaining("SSLHandshakeException");
            assertThat(emulator.stats().tasksCreated()).isZero();
        }
    }

    @Test
    void plainHttpToATlsEmulatorGetsNoAnswer() {
        try (DbbrainEmulator emulator = tlsEmulator().start()) {
            String http = emulator.endpoint().replace("https://", "http://");
            assertThatThrownBy(() -> HttpClient.create().responseTimeout(TIMEOUT).get().uri(http + "/_emulator/stats")
                    .responseSingle((response, body) -> body.asString()).block(TIMEOUT))
                    .isInstanceOf(Exception.class);
        }
    }

    @Test
    void aPlainEmulatorHasNoCertificateAndTlsSettingsWithoutTlsAreRefused() {
        try (DbbrainEmulator emulator = DbbrainEmulator.builder().credentials("AKIDplain", "plain-key").start()) {
            assertThat(emulator.endpoint()).startsWith("http://");
            assertThat(emulator.certificate()).isEmpty();
        }
        assertThatThrownBy(() -> DbbrainEmulator.builder().credentials("AKIDplain", "plain-key")
                .tlsCertificateFile(dir.resolve("x.pem")).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tls(true)");
        assertThatThrownBy(() -> DbbrainEmulator.builder().tlsHostNames("not a name"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tlsHostNames");
        assertThat(Files.exists(dir.resolve("x.pem"))).isFalse();
    }
}
