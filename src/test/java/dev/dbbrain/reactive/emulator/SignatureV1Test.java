package dev.dbbrain.reactive.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.common.Sign;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Known answers of signature v1 from the official "Signature" page's worked example (CVM DescribeInstances, GET,
 * HmacSHA1), and agreement with the official Java SDK's own v1 signer for HmacSHA256, which the page has no example
 * of.
 */
class SignatureV1Test {

    private static final String DOC_STRING_TO_SIGN = "GETcvm.tencentcloudapi.com/?Action=DescribeInstances"
            + "&InstanceIds.0=ins-09dx96dg&Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou"
            + "&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&Timestamp=1465185768&Version=2017-03-12";

    private static TreeMap<String, String> docParameters(String secretId) {
        return new TreeMap<>(Map.of("Action", "DescribeInstances", "InstanceIds.0", "ins-09dx96dg", "Limit", "20",
                "Nonce", "11886", "Offset", "0", "Region", "ap-guangzhou", "SecretId", secretId,
                "Timestamp", "1465185768", "Version", "2017-03-12"));
    }

    @Test
    void stringToSignOfTheOfficialExampleIsTheDocumentedOne() {
        assertThat(SignatureV1.stringToSign("GET", "cvm.tencentcloudapi.com", "/",
                docParameters("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"))).isEqualTo(DOC_STRING_TO_SIGN);
    }

    @Test
    void hmacSha1SignatureOfTheOfficialExampleIsTheDocumentedOne() {
        assertThat(SignatureV1.sign("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "HmacSHA1", DOC_STRING_TO_SIGN))
                .isEqualTo("EliP9YW3pW28FpsEdkXt/+WcGeI=");
    }

    @Test
    void hmacSha1SignatureOfTheOfficialMaskedExampleIsTheDocumentedOne() {
        String stringToSign = SignatureV1.stringToSign("GET", "cvm.tencentcloudapi.com", "/",
                docParameters("AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******"));
        assertThat(SignatureV1.sign("Gu5t9xGARNpq86cd98joQYCN3*******", "HmacSHA1", stringToSign))
                .isEqualTo("zmmjn35mikh6pM3V7sUEuX4wyYM=");
    }

    @Test
    void theSignatureParameterItselfIsLeftOutOfTheStringToSign() {
        TreeMap<String, String> withSignature = docParameters("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE");
        withSignature.put("Signature", "EliP9YW3pW28FpsEdkXt/+WcGeI=");
        assertThat(SignatureV1.stringToSign("GET", "cvm.tencentcloudapi.com", "/", withSignature))
                .isEqualTo(DOC_STRING_TO_SIGN);
    }

    @Test
    void bothMethodsAgreeWithTheOfficialJavaSdksV1Signer() throws Exception {
        TreeMap<String, String> parameters = new TreeMap<>(Map.of("Action", "DescribeProxySessionKillTasks",
                "AsyncRequestIds.0", "14672492", "AsyncRequestIds.1", "14672493", "InstanceId", "crs-abcd1234",
                "Product", "redis", "Nonce", "52143", "SecretId", "AKIDexample", "Timestamp", "1740794400",
                "Version", "2021-05-27", "SignatureMethod", "HmacSHA256"));
        String ours = SignatureV1.stringToSign("POST", "dbbrain.tencentcloudapi.com", "/", parameters);
        assertThat(ours).isEqualTo(Sign.makeSignPlainText(parameters, "POST", "dbbrain.tencentcloudapi.com", "/"));
        for (String method : new String[] {"HmacSHA256", "HmacSHA1"}) {
            assertThat(SignatureV1.sign("a secret key", method, ours)).as(method)
                    .isEqualTo(Sign.sign("a secret key", ours, method));
        }
    }

    @Test
    void onlyTheTwoDocumentedMethodsAreSupported() {
        assertThat(SignatureV1.supported("HmacSHA1")).isTrue();
        assertThat(SignatureV1.supported("HmacSHA256")).isTrue();
        assertThat(SignatureV1.supported("TC3-HMAC-SHA256")).isFalse();
        assertThat(SignatureV1.supported("hmacsha256")).isFalse();
    }
}
