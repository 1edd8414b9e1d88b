package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.auth.CredentialsProvider;
import dev.dbbrain.reactive.internal.Endpoint;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/** The transport's one configuration object: every setting by name, the required ones checked. */
class TransportSettingsTest {

    private static final RetrySettings RETRY = new RetrySettings(3, Duration.ofMillis(100), Duration.ofSeconds(2),
            Schedulers::parallel);

    private static TransportSettings.Builder complete() {
        return TransportSettings.builder()
                .http(HttpClient.create())
                .endpoint(Endpoint.parse("http://127.0.0.1:9", false))
                .credentials(CredentialsProvider.of(Credentials.of("AKIDsettings", "settings-key")))
                .clock(Clock.systemUTC())
                .requestClient("dbbrain-reactive/test")
                .responseTimeout(Duration.ofSeconds(30))
                .maxResponseSize(4096)
                .retry(RETRY);
    }

    @Test
    void eachSettingIsReadBackByItsNameAndTheOptionalOnesHaveTheirDefaults() {
        TransportSettings settings = complete().attemptTimeout(Duration.ofSeconds(5)).signActionHeader(true)
                .region("ap-guangzhou").language(Language.EN_US).build();
        assertThat(settings.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.attemptTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.maxResponseSize()).isEqualTo(4096);
        assertThat(settings.signActionHeader()).isTrue();
        assertThat(settings.region()).isEqualTo("ap-guangzhou");
        assertThat(settings.language()).isEqualTo(Language.EN_US);
        assertThat(settings.requestClient()).isEqualTo("dbbrain-reactive/test");
        assertThat(settings.retry()).isSameAs(RETRY);

        TransportSettings defaults = complete().build();
        assertThat(defaults.attemptTimeout()).isEqualTo(defaults.responseTimeout());
        assertThat(defaults.signActionHeader()).isFalse();
        assertThat(defaults.region()).isNull();
        assertThat(defaults.language()).isNull();
        assertThat(defaults.limiter()).isNull();
        assertThat(defaults.listener()).isSameAs(DbbrainEventListener.NONE);
    }

    @Test
    void aMissingRequiredSettingIsRefusedNamingIt() {
        assertThatNullPointerException().isThrownBy(() -> complete().responseTimeout(null).build())
                .withMessageContaining("responseTimeout");
        assertThatNullPointerException().isThrownBy(() -> complete().endpoint(null).build())
                .withMessageContaining("endpoint");
        assertThatIllegalArgumentException().isThrownBy(() -> complete().maxResponseSize(0).build())
                .withMessageContaining("maxResponseSize");
    }

    @Test
    void retryBackoffsGivenTheWrongWayRoundAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RetrySettings(3, Duration.ofSeconds(2),
                Duration.ofMillis(100), Schedulers::parallel)).withMessageContaining("maxBackoff");
        assertThatIllegalArgumentException().isThrownBy(() -> new RetrySettings(-1, Duration.ofMillis(100),
                Duration.ofSeconds(2), Schedulers::parallel)).withMessageContaining("maxRetries");
    }
}
