package dev.dbbrain.reactive.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbbrain.reactive.DbbrainCredentialsException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading the CVM metadata service's credentials answer: the documented shape, and what else a server may send. */
class InstanceRoleAnswerTest {

    private static final String URL = "http://metadata/latest/meta-data/cam/security-credentials/role";
    private static final String FIELDS = "\"TmpSecretId\":\"AKIDtmp\",\"TmpSecretKey\":\"tmpkey\",\"Token\":\"tok\"";

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void documentedAnswerGivesCredentialsAndUnknownFieldsOfAnyShapeAreSkipped() {
        Credentials c = InstanceRoleAnswer.credentials(URL, bytes("{\"Code\":\"Success\",\"Extra\":{\"a\":[1,{\"b\":"
                + "null}]},\"Expiration\":\"2018-12-04T09:06:16Z\"," + FIELDS + ",\"ExpiredTime\":1543914376}"));
        assertThat(c).isEqualTo(Credentials.of("AKIDtmp", "tmpkey", "tok", Instant.ofEpochSecond(1543914376)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "empty               | ''                                                                   | did not answer a JSON object",
        "null                | null                                                                 | did not answer a JSON object",
        "duplicate field     | {\"Code\":\"Success\",\"Code\":\"Success\",\"ExpiredTime\":1}      | did not answer a JSON object",
        "content after it    | {\"Code\":\"Success\",\"ExpiredTime\":1} {}                           | did not answer a JSON object",
        "nested too deep     | {\"Code\":\"Success\",\"X\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]} | did not answer a JSON object",
        "Code a number       | {\"Code\":1}                                                         | answered no Code",
        "Code blank          | {\"Code\":\" \"}                                                     | answered no Code",
        "ExpiredTime float   | {\"Code\":\"Success\",\"TmpSecretId\":\"a\",\"TmpSecretKey\":\"b\",\"Token\":\"t\",\"ExpiredTime\":1.5} | answered no ExpiredTime",
        "ExpiredTime 2^64    | {\"Code\":\"Success\",\"TmpSecretId\":\"a\",\"TmpSecretKey\":\"b\",\"Token\":\"t\",\"ExpiredTime\":18446744073709551616} | answered no ExpiredTime",
        "ExpiredTime huge    | {\"Code\":\"Success\",\"TmpSecretId\":\"a\",\"TmpSecretKey\":\"b\",\"Token\":\"t\",\"ExpiredTime\":9223372036854775807} | answered unusable credentials",
        "Token an object     | {\"Code\":\"Success\",\"TmpSecretId\":\"a\",\"TmpSecretKey\":\"b\",\"Token\":{},\"ExpiredTime\":1} | answered no Token",
        "key with a space    | {\"Code\":\"Success\",\"TmpSecretId\":\"a\",\"TmpSecretKey\":\"b c\",\"Token\":\"t\",\"ExpiredTime\":1} | secretKey must not contain whitespace",
    })
    void hostileAnswersAreCredentialErrorsNamingTheUrl(String what, String body, String expected) {
        assertThatThrownBy(() -> InstanceRoleAnswer.credentials(URL, bytes(body)))
                .isInstanceOf(DbbrainCredentialsException.class)
                .hasMessageStartingWith("CVM instance role: " + URL)
                .hasMessageContaining(expected)
                .hasMessageNotContaining("b c");
    }

    @Test
    void aLongCodeIsQuotedCutShort() {
        assertThatThrownBy(() -> InstanceRoleAnswer.credentials(URL, bytes("{\"Code\":\"" + "F".repeat(5000) + "\"}")))
                .hasMessageContaining("answered Code `" + "F".repeat(40) + "…` instead of Success");
    }
}
