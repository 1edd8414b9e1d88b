package dev.dbbrain.reactive.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTest {

    @Test
    void defaultPortsAreLeftOutOfTheHostHeaderAndOthersKept() {
        assertThat(Endpoint.parse("https://dbbrain.tencentcloudapi.com", false).hostHeader())
                .isEqualTo("dbbrain.tencentcloudapi.com");
        assertThat(Endpoint.parse("https://dbbrain.tencentcloudapi.com:443/", false).hostHeader())
                .isEqualTo("dbbrain.tencentcloudapi.com");
        assertThat(Endpoint.parse("https://example.com:8443", false).hostHeader()).isEqualTo("example.com:8443");
        assertThat(Endpoint.parse("http://127.0.0.1:8080", false).hostHeader()).isEqualTo("127.0.0.1:8080");
        assertThat(Endpoint.parse("http://[::1]:9000", false).hostHeader()).isEqualTo("[::1]:9000");
        assertThat(Endpoint.parse("http://localhost", false).uri().toString()).isEqualTo("http://localhost/");
    }

    @Test
    void plainHttpToANonLoopbackHostIsRefusedUnlessAllowed() {
        assertThatThrownBy(() -> Endpoint.parse("http://dbbrain.tencentcloudapi.com", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowInsecureEndpoint");
        assertThat(Endpoint.parse("http://10.1.2.3:80", true).hostHeader()).isEqualTo("10.1.2.3");
        assertThat(Endpoint.parse("http://127.8.9.10:1", false).secure()).isFalse();
    }

    @Test
    void aRefusedEndpointIsNamedWithItsUserInfoMaskedWhateverWasWrongWithIt() {
        for (String endpoint : new String[] {"https://admin:s3cret-pw@h", "http://admin:s3cret-pw@dbbrain.example",
                "ftp://admin:s3cret-pw@h", "https://admin:s3cret-pw@h/api", "https://admin:s3cret pw@h",
                "https://admin:s3c@ret-pw@h"}) {
            assertThatThrownBy(() -> Endpoint.parse(endpoint, false)).isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret").doesNotContain("ret-pw"))
                    .hasNoCause();
        }
        assertThat(Endpoint.masked("https://admin:pw@h:1")).isEqualTo("https://******@h:1");
        assertThat(Endpoint.masked("https://h/a@b")).isEqualTo("https://h/a@b");
    }

    @Test
    void endpointsWithPathsQueriesOrOtherSchemesAreRefused() {
        assertThatThrownBy(() -> Endpoint.parse("https://h/api", false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoint");
        assertThatThrownBy(() -> Endpoint.parse("https://h/?a=b", false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Endpoint.parse("ftp://h", false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Endpoint.parse("https://user:pw@h", false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Endpoint.parse("not a uri", false)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1.nip.io", "http://localhost.example.com", "http://127.0.0.1@example.com",
        "http://example.com#@127.0.0.1", "http://[::ffff:7f00:1]", "http://0x7f000001", "http://2130706433",
        "http://127.1", "http://0177.0.0.1", "http://LOCALHOST.", "http://10.0.0.1", "http://192.168.1.1"})
    void plainHttpToLookalikesOfLoopbackIsRefused(String endpoint) {
        assertThatThrownBy(() -> Endpoint.parse(endpoint, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoint");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:1", "http://127.255.255.254", "http://localhost:8080", "http://[::1]:9"})
    void plainHttpToLoopbackIsAllowedWithoutTheSwitch(String endpoint) {
        assertThat(Endpoint.parse(endpoint, false).secure()).isFalse();
    }
}
