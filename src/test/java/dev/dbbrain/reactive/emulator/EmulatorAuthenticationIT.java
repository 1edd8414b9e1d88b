package dev.dbbrain.reactive.emulator;

import static dev.dbbrain.reactive.emulator.SignedCalls.INSTANCE;
import static dev.dbbrain.reactive.emulator.SignedCalls.SECRET_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmulatorAuthenticationIT extends EmulatorTestSupport {

    @Test
    void missingAuthorizationIsInvalidAuthorization() {
        start();
        assertThat(calls.describe(INSTANCE, 1).without("Authorization").exchange().errorCode())
                .isEqualTo("AuthFailure.InvalidAuthorization");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Bearer abc",
        "TC3-HMAC-SHA256 Credential=AKID/2025-03-01/dbbrain/tc3_request, SignedHeaders=content-type;host",
        "TC3-HMAC-SHA256 Credential=AKID/2025-03-01/dbbrain/tc3_request, SignedHeaders=content-type;host, Signature=abc",
        "TC3-HMAC-SHA256 Credential=AKID/2025-03-01/dbbrain, SignedHeaders=content-type;host, Signature="
                + "0000000000000000000000000000000000000000000000000000000000000000"
    })
    void malformedAuthorizationIsInvalidAuthorization(String authorization) {
        start();
        assertThat(calls.describe(INSTANCE, 1).authorization(authorization).exchange().errorCode())
                .isEqualTo("AuthFailure.InvalidAuthorization");
    }

    @Test
    void signedHeadersWithoutHostOrContentTypeAreInvalidAuthorization() {
        start();
        assertThat(calls.describe(INSTANCE, 1).signing("content-type").exchange().errorCode())
                .isEqualTo("AuthFailure.InvalidAuthorization");
        assertThat(calls.describe(INSTANCE, 1).signing("host", "x-tc-action").exchange().errorCode())
                .isEqualTo("AuthFailure.InvalidAuthorization");
    }

    @ParameterizedTest
    @ValueSource(longs = {-300, 300})
    void timestampExactlyThreeHundredSecondsOffIsAccepted(long offset) {
        start();
        assertThat(calls.describe(INSTANCE, 1).timestamp(clock.epochSecond() + offset).exchange().errorCode())
                .isNull();
    }

    @ParameterizedTest
    @ValueSource(longs = {-301, 301, -86_400})
    void timestampMoreThanThreeHundredSecondsOffIsSignatureExpire(long offset) {
        start();
        assertThat(calls.describe(INSTANCE, 1).timestamp(clock.epochSecond() + offset).exchange().errorCode())
                .isEqualTo("AuthFailure.SignatureExpire");
    }

    @Test
    void unknownSecretIdIsSecretIdNotFound() {
        start();
        assertThat(calls.describe(INSTANCE, 1).secret("AKIDunknown", SECRET_KEY).exchange().errorCode())
                .isEqualTo("AuthFailure.SecretIdNotFound");
    }

    @Test
    void wrongSecretKeyIsRefusedWithSignatureFailure() {
        start();
        assertThat(calls.describe(INSTANCE, 1).secret(SignedCalls.SECRET_ID, "not-the-key").exchange().errorCode())
                .isEqualTo("AuthFailure.SignatureFailure");
    }

    @Test
    void scopeOfAnotherServiceIsSignatureFailure() {
        start();
        Answer answer = calls.describe(INSTANCE, 1).service("cvm").exchange();
        assertThat(answer.errorCode()).isEqualTo("AuthFailure.SignatureFailure");
        assertThat(answer.errorMessage()).contains("dbbrain");
    }

    @Test
    void scopeDateInLocalTimeInsteadOfUtcIsSignatureFailure() {
        clock.advance(java.time.Duration.ofHours(18)); // 2025-03-01T20:00Z is already 2025-03-02 in UTC+8
        start();
        Answer answer = calls.describe(INSTANCE, 1).scopeDate("2025-03-02").exchange();
        assertThat(answer.errorCode()).isEqualTo("AuthFailure.SignatureFailure");
        assertThat(answer.errorMessage()).contains("UTC date");
        assertThat(calls.describe(INSTANCE, 1).exchange().errorCode()).isNull();
    }

    @Test
    void bodyChangedAfterSigningIsSignatureFailure() {
        start();
        byte[] other = ("{\"InstanceId\":\"crs-other001\",\"Product\":\"redis\",\"AsyncRequestIds\":[1]}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(calls.describe(INSTANCE, 1).sendBody(other).exchange().errorCode())
                .isEqualTo("AuthFailure.SignatureFailure");
    }

    @Test
    void hostOtherThanTheOneSignedIsSignatureFailure() {
        start();
        assertThat(calls.describe(INSTANCE, 1).signedHost("dbbrain.tencentcloudapi.com").exchange().errorCode())
                .isEqualTo("AuthFailure.SignatureFailure");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON; charset=UTF-8"})
    void bothJsonContentTypesAreAcceptedWhenSigned(String contentType) {
        start();
        assertThat(calls.describe(INSTANCE, 1).contentType(contentType).exchange().errorCode()).isNull();
    }

    @Test
    void otherContentTypeCorrectlySignedIsInvalidParameter() {
        start();
        Answer answer = calls.describe(INSTANCE, 1).contentType("text/plain").exchange();
        assertThat(answer.errorCode()).isEqualTo("InvalidParameter");
        assertThat(answer.errorMessage()).contains("Content-Type");
    }

    @Test
    void signingXTcActionTooIsAccepted() {
        start();
        Answer answer = calls.describe(INSTANCE, 1).signing("content-type", "host", "x-tc-action").exchange();
        assertThat(answer.errorCode()).isNull();
    }

    @Test
    void temporaryCredentialsNeedTheirToken() {
        start(builder -> builder.temporaryCredentials("AKIDtemporary", "temporary-key", "session-token"));
        assertThat(calls.describe(INSTANCE, 1).secret("AKIDtemporary", "temporary-key").exchange().errorCode())
                .isEqualTo("AuthFailure.TokenFailure");
        assertThat(calls.describe(INSTANCE, 1).secret("AKIDtemporary", "temporary-key")
                .header("X-TC-Token", "other-token").exchange().errorCode())
                .isEqualTo("AuthFailure.TokenFailure");
        assertThat(calls.describe(INSTANCE, 1).secret("AKIDtemporary", "temporary-key")
                .header("X-TC-Token", "session-token").exchange().errorCode())
                .isNull();
        assertThat(calls.describe(INSTANCE, 1).exchange().errorCode()).as("permanent key beside it").isNull();
    }

    @Test
    void noAnswerEverContainsTheSecretKey() {
        start(builder -> builder.temporaryCredentials("AKIDtemporary", "temporary-key", "session-token"));
        List<Answer> answers = new ArrayList<>();
        answers.add(calls.describe(INSTANCE, 1).secret(SignedCalls.SECRET_ID, "not-the-key").exchange());
        answers.add(calls.describe(INSTANCE, 1).service("cvm").exchange());
        answers.add(calls.describe(INSTANCE, 1).timestamp(0).exchange());
        answers.add(calls.describe(INSTANCE, 1).secret("AKIDtemporary", "temporary-key").exchange());
        answers.add(calls.describe(INSTANCE, 1).contentType("text/plain").exchange());
        answers.add(calls.plain("GET", "/_emulator/stats"));
        assertThat(answers).allSatisfy(answer -> assertThat(answer.text())
                .doesNotContain(SECRET_KEY).doesNotContain("temporary-key").doesNotContain("session-token"));
        assertThat(emulator.toString()).doesNotContain(SECRET_KEY).doesNotContain("temporary-key");
    }

    @Test
    void checksRunInTheServiceOrderFirstFailureWins() {
        start();
        // A bad version wins over a missing signature; an expired timestamp over an unknown SecretId.
        assertThat(calls.describe(INSTANCE, 1).header("X-TC-Version", "2017-03-12").without("Authorization")
                .exchange().errorCode()).isEqualTo("NoSuchVersion");
        assertThat(calls.describe(INSTANCE, 1).secret("AKIDunknown", "k").timestamp(0).exchange().errorCode())
                .isEqualTo("AuthFailure.SignatureExpire");
        // The signature is checked before the body, and the body before the instance.
        assertThat(calls.call(Action.DESCRIBE.apiName(), "not json").secret(SignedCalls.SECRET_ID, "wrong")
                .exchange().errorCode()).isEqualTo("AuthFailure.SignatureFailure");
    }
}
