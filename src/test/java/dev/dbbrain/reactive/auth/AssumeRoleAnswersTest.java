package dev.dbbrain.reactive.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DbbrainDecodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading STS AssumeRole answers: the documented success shape, the error envelope, and hostile variants. */
class AssumeRoleAnswersTest {

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void documentedAnswerGivesTemporaryCredentialsWithTheirExpiry() {
        Credentials c = AssumeRoleAnswer.credentials(bytes("{\"Response\":{\"Credentials\":{\"Token\":\"tok\","
                + "\"TmpSecretId\":\"AKIDtmp\",\"TmpSecretKey\":\"tmpkey\"},\"ExpiredTime\":1543914376,"
                + "\"Expiration\":\"2018-12-04T09:06:16Z\",\"RequestId\":\"4daec797-9cd2-4f09-9e7a-7d4c43b2a74c\"}}"));
        assertThat(c).isEqualTo(Credentials.of("AKIDtmp", "tmpkey", "tok", Instant.parse("2018-12-04T09:06:16Z")));
    }

    @Test
    void errorEnvelopeIsAnApiExceptionWithActionCodeAndRequestId() {
        Throwable e = catchThrowable(() -> AssumeRoleAnswer.credentials(bytes("{\"Response\":{\"Error\":{"
                + "\"Code\":\"InvalidParameter.AccountNotAvaliable\",\"Message\":\"account not available\"},"
                + "\"RequestId\":\"req-1\"}}")));
        assertThat(e).isInstanceOf(DbbrainApiException.class);
        DbbrainApiException api = (DbbrainApiException) e;
        assertThat(api.action()).isEqualTo("AssumeRole");
        assertThat(api.code()).isEqualTo("InvalidParameter.AccountNotAvaliable");
        assertThat(api.requestId()).isEqualTo("req-1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no Credentials      | {\"Response\":{\"ExpiredTime\":1,\"RequestId\":\"r\"}}                                   | no Credentials object",
        "no Token            | {\"Response\":{\"Credentials\":{\"TmpSecretId\":\"a\",\"TmpSecretKey\":\"b\"},\"ExpiredTime\":1,\"RequestId\":\"r\"}} | no Credentials.Token",
        "ExpiredTime text    | {\"Response\":{\"Credentials\":{\"Token\":\"t\",\"TmpSecretId\":\"a\",\"TmpSecretKey\":\"b\"},\"ExpiredTime\":\"x\",\"RequestId\":\"r\"}} | no ExpiredTime",
        "ExpiredTime huge    | {\"Response\":{\"Credentials\":{\"Token\":\"t\",\"TmpSecretId\":\"a\",\"TmpSecretKey\":\"b\"},\"ExpiredTime\":99999999999999999,\"RequestId\":\"r\"}} | no ExpiredTime",
        "key with a space    | {\"Response\":{\"Credentials\":{\"Token\":\"t\",\"TmpSecretId\":\"a\",\"TmpSecretKey\":\"b c\"},\"ExpiredTime\":1,\"RequestId\":\"r\"}} | secretKey must not contain whitespace",
        "HTML page           | <html><body>502 Bad Gateway</body></html>                                                 | not valid JSON",
        "empty               | ''                                                                                        | empty body",
        "Error without Code  | {\"Response\":{\"Error\":{\"Message\":\"m\"},\"RequestId\":\"r\"}}                        | Error without a Code",
    })
    void hostileAnswersAreDecodingErrorsNamingAssumeRole(String what, String body, String expected) {
        Throwable e = catchThrowable(() -> AssumeRoleAnswer.credentials(bytes(body)));
        assertThat(e).isInstanceOf(DbbrainDecodingException.class)
                .hasMessageStartingWith("AssumeRole: unreadable response")
                .hasMessageContaining(expected)
                .hasMessageNotContaining("b c");
    }

    @Test
    void aSecretKeyWithoutItsOpeningQuoteReachesNeitherTheMessageNorACause() {
        // Jackson names the token it cannot read: here, the secret key (a finding of DecodersFuzz).
        Throwable e = catchThrowable(() -> AssumeRoleAnswer.credentials(bytes("{\"Response\":{\"Credentials\":{"
                + "\"Token\":\"tok\",\"TmpSecretId\":\"AKIDtmp\",\"TmpSecretKey\":sEcReTkEy1234567\"},"
                + "\"ExpiredTime\":1543914376,\"RequestId\":\"req-2\"}}")));

        assertThat(e).isInstanceOf(DbbrainDecodingException.class)
                .hasMessageStartingWith("AssumeRole: unreadable response: not valid JSON (Unrecognized token '…'")
                .hasMessageContaining("at offset 81")
                .hasMessageNotContaining("sEcReTkEy")
                .hasNoCause();
        assertThat(((DbbrainDecodingException) e).requestId()).isNull();
    }
}
