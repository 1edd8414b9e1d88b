package dev.dbbrain.reactive.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestParsingTest {

    private static final String SIGNATURE = "a".repeat(64);

    @ParameterizedTest
    @CsvSource({
        "/, /",
        "/?x=1, /",
        "/v3, /v3",
        "http://127.0.0.1:8080/, /",
        "http://dbbrain.tencentcloudapi.com, /",
        "http://dbbrain.tencentcloudapi.com/x?y, /x",
        "*, *",
    })
    void pathOfOriginAndAbsoluteFormTargets(String target, String path) {
        assertThat(RequestTarget.path(target)).isEqualTo(path);
    }

    @Test
    void authorizationHeaderPartsAreParsed() {
        AuthorizationHeader header = AuthorizationHeader.parse("TC3-HMAC-SHA256 Credential=AKIDx/2025-03-01/dbbrain/"
                + "tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=" + SIGNATURE.toUpperCase())
                .orElseThrow();
        assertThat(header.secretId()).isEqualTo("AKIDx");
        assertThat(header.date()).isEqualTo("2025-03-01");
        assertThat(header.service()).isEqualTo("dbbrain");
        assertThat(header.signedHeaders()).isEqualTo(List.of("content-type", "host", "x-tc-action"));
        assertThat(header.signature()).isEqualTo(SIGNATURE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "TC3-HMAC-SHA1 Credential=a/b/c/tc3_request, SignedHeaders=host, Signature=",
        "TC3-HMAC-SHA256 Credential=a/b/c/tc3_request, SignedHeaders=host",
        "TC3-HMAC-SHA256 Credential=a/b/tc3_request, SignedHeaders=host, Signature=",
        "TC3-HMAC-SHA256 Credential=a/b/c/other, SignedHeaders=host, Signature=",
        "TC3-HMAC-SHA256 Credential=a/b/c/tc3_request, SignedHeaders=, Signature=",
    })
    void malformedAuthorizationHeadersAreRefused(String prefix) {
        String value = prefix.endsWith("Signature=") ? prefix + SIGNATURE : prefix;
        assertThat(AuthorizationHeader.parse(value)).isEmpty();
        assertThat(AuthorizationHeader.parse(null)).isEmpty();
    }

    @Test
    void requestIdsAreVersionFourUuids() {
        assertThat(RequestIds.next()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(RequestIds.next()).isNotEqualTo(RequestIds.next());
    }
}
