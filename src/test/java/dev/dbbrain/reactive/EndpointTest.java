package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

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
    void endpointsWithPathsQueriesOrOtherSchemesAreRefused() {
        assertThatThrownBy(() -> Endpoint.parse("https://h/api", false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoint");
        assertThatThrownBy(() -> Endpoint.parse("https://h/?a=b", false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Endpoint.parse("ftp://h", false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Endpoint.parse("https://user:pw@h", false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Endpoint.parse("not a uri", false)).isInstanceOf(IllegalArgumentException.class);
    }
}
