package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorAnswer;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

/**
 * The library leaves out the QUIC native libraries that Reactor Netty 1.3 brings for HTTP/3 (12 MiB for five
 * platforms; the Tencent Cloud API is HTTP/1.1): this suite runs on a class path without them, and the client works
 * over plain HTTP and over TLS there.
 */
class ReactorNettyWithoutQuicNativesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Credentials CREDS = Credentials.of("AKIDnoquic", "no-quic-key");

    @Test
    void theClassPathHasNoQuicNativeLibrary() {
        List<String> entries = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        assertThat(entries).as("the test class path").hasSizeGreaterThan(5)
                .noneMatch(e -> e.contains("netty-codec-native-quic"));
        assertThat(Quic.isAvailable()).as("QUIC's native library loads").isFalse();
    }

    @Test
    void killsAndWatchesOverHttpWithoutQuic() {
        DbbrainEmulator emulator = DbbrainEmulator.builder().credentials(CREDS.secretId(), CREDS.secretKey())
                .stepDuration(Duration.ofMillis(50)).start();
        try (DbbrainClient client = DbbrainClient.builder().endpoint(emulator.endpoint()).credentials(CREDS)
                .watchOptions(WatchOptions.defaults().pollInterval(Duration.ofMillis(50))).build()) {
            TaskInfo last = client.killProxySessions("crs-noquic01").blockLast(WAIT);
            assertThat(last.status()).isEqualTo("finished");
        } finally {
            emulator.stop();
        }
    }

    @Test
    void callsOverTlsWithoutQuic() {
        try (DbbrainEmulator server = DbbrainEmulator.builder().credentials(CREDS.secretId(), CREDS.secretKey())
                .tls(true).start();
                DbbrainClient client = DbbrainClient.builder().endpoint(server.endpoint()).credentials(CREDS)
                        .httpClient(trusting(server)).build()) {
            assertThat(server.endpoint()).startsWith("https://");
            server.enqueue("CreateProxySessionKillTask", EmulatorAnswer.created(7).withRequestId("no-quic"));
            CreateProxySessionKillTaskResponse created = client.createProxySessionKillTask(
                    CreateProxySessionKillTaskRequest.of("crs-noquic02")).block(WAIT);
            assertThat(created.asyncRequestId()).isEqualTo(7);
        }
    }

    /** A client that trusts the certificate the emulator made at its start, and only it. */
    private static HttpClient trusting(DbbrainEmulator emulator) {
        return HttpClient.create().secure(spec -> {
            try {
                spec.sslContext(SslContextBuilder.forClient().trustManager(emulator.certificate().orElseThrow())
                        .build());
            } catch (javax.net.ssl.SSLException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
