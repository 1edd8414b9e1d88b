package dev.dbbrain.reactive.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class Tc3SignerTest {

    private static final JsonNode VECTORS = load();

    private static JsonNode load() {
        try (InputStream in = Tc3SignerTest.class.getResourceAsStream("/tc3-vectors.json")) {
            return JsonMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<JsonNode> vectors() {
        List<JsonNode> all = new ArrayList<>();
        VECTORS.get("vectors").forEach(all::add);
        return all.stream();
    }

    private static JsonNode common() {
        return VECTORS.get("common");
    }

    private static byte[] payload() {
        return common().get("payload").stringValue().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> extraHeaders(JsonNode vector) {
        boolean signsAction = vector.get("signedHeaders").stringValue().contains("x-tc-action");
        return signsAction ? Map.of("x-tc-action", common().get("action").stringValue()) : Map.of();
    }

    @Test
    void officialPayloadHashMatches() {
        assertThat(Tc3Signer.sha256Hex(payload())).isEqualTo(common().get("hashedRequestPayload").stringValue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void everyOfficialVectorSignsByteForByte(JsonNode vector) {
        JsonNode c = common();
        TreeMap<String, String> signed = new TreeMap<>();
        signed.put("content-type", c.get("contentType").stringValue());
        signed.put("host", c.get("host").stringValue());
        extraHeaders(vector).forEach(signed::put);
        String canonical = Tc3Signer.canonicalRequest(signed, payload());
        if (vector.has("canonicalHeaders")) {
            assertThat(canonical).contains("\n\n" + vector.get("canonicalHeaders").stringValue() + "\n");
        }
        assertThat(Tc3Signer.sha256Hex(canonical.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(vector.get("hashedCanonicalRequest").stringValue());

        String authorization = new Tc3Signer().authorization(vector.get("secretId").stringValue(),
                vector.get("secretKey").stringValue(), c.get("host").stringValue(),
                c.get("contentType").stringValue(), payload(), c.get("timestamp").longValue(),
                c.get("service").stringValue(), extraHeaders(vector));
        String expected = vector.has("authorization") ? vector.get("authorization").stringValue()
                : "TC3-HMAC-SHA256 Credential=" + vector.get("secretId").stringValue() + "/" + c.get("date").stringValue()
                        + "/cvm/tc3_request, SignedHeaders=" + vector.get("signedHeaders").stringValue()
                        + ", Signature=" + vector.get("signature").stringValue();
        assertThat(authorization).isEqualTo(expected);
    }

    @Test
    void signingKeyMatchesTheOfficialSecretSigningValue() {
        JsonNode vector = VECTORS.get("vectors").get(3);
        byte[] key = Tc3Signer.deriveSigningKey(vector.get("secretKey").stringValue(),
                common().get("date").stringValue(), common().get("service").stringValue());
        assertThat(java.util.HexFormat.of().formatHex(key)).isEqualTo(vector.get("secretSigning").stringValue());
    }

    @Test
    void lastSecondOfADayAndFirstSecondOfTheNextSignWithDifferentUtcDates() {
        long lastSecond = 1_735_689_599L; // 2024-12-31T23:59:59Z
        long firstSecond = lastSecond + 1; // 2025-01-01T00:00:00Z
        assertThat(Tc3Signer.utcDate(lastSecond)).isEqualTo("2024-12-31");
        assertThat(Tc3Signer.utcDate(firstSecond)).isEqualTo("2025-01-01");
        Tc3Signer signer = new Tc3Signer();
        String before = signer.authorization("id", "key", "h", "application/json", new byte[0], lastSecond, "dbbrain", Map.of());
        String after = signer.authorization("id", "key", "h", "application/json", new byte[0], firstSecond, "dbbrain", Map.of());
        assertThat(before).contains("Credential=id/2024-12-31/dbbrain/tc3_request");
        assertThat(after).contains("Credential=id/2025-01-01/dbbrain/tc3_request");
        assertThat(signer.derivations()).isEqualTo(2);
    }

    @Test
    void signingKeyIsDerivedOncePerKeyDateAndService() {
        Tc3Signer signer = new Tc3Signer();
        long t = 1_735_689_000L;
        for (int i = 0; i < 100; i++) {
            signer.authorization("id", "key", "h", "application/json", new byte[] {(byte) i}, t + i, "dbbrain", Map.of());
        }
        assertThat(signer.derivations()).isEqualTo(1);
        signer.authorization("id", "other-key", "h", "application/json", new byte[0], t, "dbbrain", Map.of());
        assertThat(signer.derivations()).isEqualTo(2);
        byte[] reused = signer.signingKey("other-key", Tc3Signer.utcDate(t), "dbbrain");
        assertThat(reused).isEqualTo(Tc3Signer.deriveSigningKey("other-key", Tc3Signer.utcDate(t), "dbbrain"));
        assertThat(signer.derivations()).isEqualTo(2);
    }

    @Test
    void headerValuesAreTrimmedAndLowerCasedInTheCanonicalForm() {
        TreeMap<String, String> signed = new TreeMap<>();
        signed.put("content-type", " application/json ");
        signed.put("host", "Example.COM");
        signed.put("x-tc-action", "DescribeProxySessionKillTasks");
        String canonical = Tc3Signer.canonicalRequest(signed, new byte[0]);
        assertThat(canonical).startsWith("POST\n/\n\ncontent-type:application/json\nhost:example.com\n"
                + "x-tc-action:describeproxysessionkilltasks\n\ncontent-type;host;x-tc-action\n");
        assertThat(Arrays.asList(canonical.split("\n"))).last()
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
