package dev.dbbrain.reactive.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a recording reads from a request: the same fields whatever the encoding, and never a secret. */
class RequestFactsTest {

    private static final String AUTHORIZATION = "TC3-HMAC-SHA256 Credential=AKIDfacts/2026-12-01/dbbrain/tc3_request,"
            + " SignedHeaders=content-type;host;x-tc-action, Signature=" + "ab".repeat(32);

    private static HttpHeaders tc3Headers() {
        return new DefaultHttpHeaders().set("Host", "127.0.0.1:1234").set("Content-Type", "application/json")
                .set("Authorization", AUTHORIZATION).set("X-TC-Action", "DescribeProxySessionKillTasks")
                .set("X-TC-Version", "2021-05-27").set("X-TC-Timestamp", "1796119200").set("X-TC-Region", "ap-beijing")
                .set("X-TC-Token", "secret-token-value");
    }

    private static RequestFacts of(String method, String target, HttpHeaders headers, String body) {
        return RequestFacts.of(method, target, headers, RequestBody.of(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aJsonBodyIsFlattenedAsTheApiFlattensFormsNullsLeftOut() {
        RequestFacts facts = of("POST", "/", tc3Headers(), "{\"InstanceId\":\"crs-1\",\"AsyncRequestIds\":[7,8],"
                + "\"Tags\":[{\"Key\":\"k\",\"Value\":null}],\"Flag\":true,\"Ratio\":1.5,\"Nothing\":null}");

        assertThat(facts.parameters()).containsExactly(Map.entry("InstanceId", "crs-1"),
                Map.entry("AsyncRequestIds.0", "7"), Map.entry("AsyncRequestIds.1", "8"), Map.entry("Tags.0.Key", "k"),
                Map.entry("Flag", "true"), Map.entry("Ratio", "1.5"));
        assertThat(facts.action()).isEqualTo("DescribeProxySessionKillTasks");
        assertThat(facts.region()).isEqualTo("ap-beijing");
        assertThat(facts.timestamp()).isEqualTo(Instant.ofEpochSecond(1_796_119_200L));
        assertThat(facts.secretId()).isEqualTo("AKIDfacts");
        assertThat(facts.signedHeaders()).containsExactly("content-type", "host", "x-tc-action");
        assertThat(facts.signatureMethod()).isEqualTo("TC3-HMAC-SHA256");
    }

    @Test
    void aBodyThatIsNotOneJsonObjectGivesNoFieldsAndNoFailure() {
        for (String body : new String[] {"", "[1,2]", "{\"a\":1} {}", "{\"a\":", "{\"a\":1,\"a\":2}", "\u0000\u00ff"}) {
            assertThat(of("POST", "/", tc3Headers(), body).parameters()).as(body).isEmpty();
        }
    }

    @Test
    void tc3WithGetTakesTheFieldsFromTheQueryStringDecoded() {
        HttpHeaders headers = tc3Headers().set("Content-Type", "application/x-www-form-urlencoded");
        RequestFacts facts = of("GET", "/?InstanceId=crs-1&AsyncRequestIds.0=7&Product=red%69s", headers, "");

        assertThat(facts.parameters()).containsExactly(Map.entry("InstanceId", "crs-1"),
                Map.entry("AsyncRequestIds.0", "7"), Map.entry("Product", "redis"));
    }

    @Test
    void signatureV1KeepsTheActionsFieldsAndNeitherItsSignatureNorItsTokenNorItsBody() {
        HttpHeaders headers = new DefaultHttpHeaders().set("Host", "127.0.0.1:1234")
                .set("Content-Type", "application/x-www-form-urlencoded");
        String form = "Action=CreateProxySessionKillTask&Version=2021-05-27&Region=ap-guangzhou&Timestamp=1796119200"
                + "&Nonce=42&SecretId=AKIDv1&SignatureMethod=HmacSHA256&Signature=c2lnbmF0dXJl&Token=secret-token"
                + "&Language=en-US&InstanceId=crs-1&Product=redis";
        RequestFacts facts = of("POST", "/", headers, form);

        assertThat(facts.parameters()).containsExactly(Map.entry("InstanceId", "crs-1"), Map.entry("Product", "redis"));
        assertThat(facts.action()).isEqualTo("CreateProxySessionKillTask");
        assertThat(facts.version()).isEqualTo("2021-05-27");
        assertThat(facts.region()).isEqualTo("ap-guangzhou");
        assertThat(facts.language()).isEqualTo("en-US");
        assertThat(facts.secretId()).isEqualTo("AKIDv1");
        assertThat(facts.signatureMethod()).isEqualTo("HmacSHA256");
        assertThat(facts.signedHeaders()).isEmpty();
        assertThat(facts.body()).isEmpty();
        assertThat(of("GET", "/?" + form.replace("&SignatureMethod=HmacSHA256", ""), headers, "").signatureMethod())
                .as("v1's default").isEqualTo("HmacSHA1");
    }

    @Test
    void theAuthorizationAndTokenHeadersAreNeverKept() {
        RequestFacts facts = of("POST", "/", tc3Headers(), "{}");

        assertThat(facts.headers()).extracting(Map.Entry::getKey).containsExactly("Host", "Content-Type",
                "X-TC-Action", "X-TC-Version", "X-TC-Timestamp", "X-TC-Region");
        assertThat(facts.headers().toString()).doesNotContain("secret-token-value", "abab");
    }

    @Test
    void aBodyOver16KibIsNeitherKeptNorDecodedButTheRestIs() {
        String big = "{\"InstanceId\":\"" + "x".repeat(RequestFacts.MAX_KEPT_BODY) + "\"}";
        RequestFacts facts = of("POST", "/", tc3Headers(), big);

        assertThat(facts.body()).isEmpty();
        assertThat(facts.parameters()).isEmpty();
        assertThat(facts.action()).isEqualTo("DescribeProxySessionKillTasks");
        assertThat(RequestFacts.of("POST", "/", tc3Headers(), RequestBody.OVERSIZE).body()).isEmpty();
    }

    @Test
    void whatCannotBeReadIsLeftOutNeverAFailure() {
        HttpHeaders headers = new DefaultHttpHeaders().set("X-TC-Timestamp", "soon").set("Authorization", "Basic x");
        RequestFacts facts = of("POST", "/", headers, "{}");

        assertThat(facts.timestamp()).isNull();
        assertThat(facts.secretId()).isNull();
        assertThat(facts.signatureMethod()).isNull();
        assertThat(facts.signedHeaders()).isEmpty();
        assertThat(of("GET", "/?a=%zz", new DefaultHttpHeaders(), "").parameters()).isEmpty();
    }
}
