package dev.dbbrain.reactive.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signature v1 ({@code HmacSHA1}/{@code HmacSHA256}, common parameters beside the flattened fields in a form body or
 * the query string), as the official "Signature" page defines it, verified with the same codes as TC3.
 */
class EmulatorSignatureV1IT extends EmulatorTestSupport {

    private static final String INSTANCE = SignedCalls.INSTANCE;

    private V1Call create() {
        return V1Call.create(emulator, clock.epochSecond(), INSTANCE);
    }

    private V1Call describe(long... ids) {
        return V1Call.describe(emulator, clock.epochSecond(), INSTANCE, ids);
    }

    @Test
    void hmacSha256FormPostCreatesTasksThatAFlattenedDescribeReports() {
        start(b -> b.stepDuration(Duration.ZERO));
        long first = create().exchange().response().get("AsyncRequestId").longValue();
        long second = create().exchange().response().get("AsyncRequestId").longValue();
        Answer described = describe(first, second).exchange();
        assertThat(described.errorCode()).as(described.toString()).isNull();
        assertThat(described.response().get("TotalCount").intValue()).isEqualTo(2);
        assertThat(described.response().get("Tasks").get(1).get("AsyncRequestId").longValue()).isEqualTo(second);
        assertThat(emulator.stats().requests()).containsEntry(Action.CREATE.apiName(), 2L)
                .containsEntry(Action.DESCRIBE.apiName(), 1L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HmacSHA1", "HmacSHA256"})
    void bothMethodsWorkWithPostAndWithGet(String method) {
        start();
        Answer created = create().signatureMethod(method).exchange();
        assertThat(created.errorCode()).as(created.toString()).isNull();
        long id = created.response().get("AsyncRequestId").longValue();
        Answer described = describe(id).signatureMethod(method).get().exchange();
        assertThat(described.errorCode()).as(described.toString()).isNull();
        assertThat(described.response().get("Tasks").get(0).get("TaskStatus").stringValue()).isEqualTo("created");
    }

    @Test
    void withoutSignatureMethodTheSignatureIsHmacSha1() {
        start();
        assertThat(create().signatureMethod(null).exchange().errorCode()).isNull();
        assertThat(create().with("SignatureMethod", null).signWith("HmacSHA256").exchange().errorCode())
                .isEqualTo("AuthFailure.SignatureFailure");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HmacSHA1", "HmacSHA256"})
    void aWrongKeyIsSignatureFailure(String method) {
        start();
        Answer answer = create().signatureMethod(method).key("not-the-key").exchange();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.errorCode()).isEqualTo("AuthFailure.SignatureFailure");
        assertThat(emulator.stats().tasksCreated()).isZero();
    }

    @Test
    void aParameterChangedAfterSigningIsSignatureFailure() {
        start();
        assertThat(create().after("InstanceId", "crs-other000").exchange().errorCode())
                .isEqualTo("AuthFailure.SignatureFailure");
        assertThat(create().after("Nonce", "11887").exchange().errorCode()).isEqualTo("AuthFailure.SignatureFailure");
        assertThat(create().exchange().errorCode()).isNull();
    }

    @Test
    void anUnknownSecretIdIsSecretIdNotFound() {
        start();
        assertThat(create().with("SecretId", "AKIDnobody").exchange().errorCode())
                .isEqualTo("AuthFailure.SecretIdNotFound");
    }

    @Test
    void aTimestampMoreThanFiveMinutesOffIsSignatureExpire() {
        start();
        assertThat(V1Call.create(emulator, clock.epochSecond() - 301, INSTANCE).exchange().errorCode())
                .isEqualTo("AuthFailure.SignatureExpire");
        assertThat(V1Call.create(emulator, clock.epochSecond() + 300, INSTANCE).exchange().errorCode()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Action", "Version", "Timestamp", "Nonce", "SecretId", "Signature"})
    void aMissingCommonParameterIsMissingParameterNamingIt(String name) {
        start();
        Answer answer = create().after(name, null).exchange();
        assertThat(answer.errorCode()).isEqualTo("MissingParameter");
        assertThat(answer.errorMessage()).contains("`" + name + "`");
    }

    @Test
    void malformedCommonParametersAreRefusedWithTheServicesCodes() {
        start();
        assertThat(create().with("Nonce", "-1").exchange().errorMessage()).contains("Nonce");
        assertThat(create().with("Nonce", "12a").exchange().errorCode()).isEqualTo("InvalidParameter");
        assertThat(create().with("Nonce", "0").exchange().errorCode()).as("the Node SDK may draw 0").isNull();
        assertThat(create().with("Timestamp", "soon").exchange().errorCode()).isEqualTo("InvalidParameter");
        assertThat(create().with("Action", "RunInstances").exchange().errorCode()).isEqualTo("InvalidAction");
        assertThat(create().with("Version", "2019-10-16").exchange().errorCode()).isEqualTo("NoSuchVersion");
        Answer method = create().with("SignatureMethod", "TC3-HMAC-SHA256").exchange();
        assertThat(method.errorCode()).isEqualTo("InvalidParameterValue");
        assertThat(method.errorMessage()).contains("SignatureMethod");
    }

    @Test
    void theActionsFieldsAreCheckedLikeAJsonBodys() {
        start();
        assertThat(create().with("Limit", "20").exchange().errorCode()).isEqualTo("UnknownParameter");
        assertThat(create().with("InstanceId", null).exchange().errorCode()).isEqualTo("MissingParameter");
        assertThat(describe().exchange().errorCode()).as("no AsyncRequestIds.N").isEqualTo("MissingParameter");
        assertThat(describe(1).with("AsyncRequestIds.0", "one").exchange().errorCode())
                .isEqualTo("InvalidParameter");
        assertThat(create().with("Region", "ap-guangzhou").with("Language", "en-US")
                .with("RequestClient", "SDK_JAVA_3.1.1000").exchange().errorCode())
                .as("common parameters are not the action's fields").isNull();
    }

    @Test
    void aBodyThatIsNotValidlyUrlEncodedIsInvalidParameter() {
        start();
        assertThat(create().rawBody("Action=CreateProxySessionKillTask&InstanceId=%zz").exchange().errorCode())
                .isEqualTo("InvalidParameter");
        assertThat(create().rawBody("Action=A&Action=B").exchange().errorCode()).isEqualTo("InvalidParameter");
    }

    @Test
    void temporaryCredentialsNeedTheirTokenParameter() {
        start(b -> b.temporaryCredentials("AKIDtemporary", "temporary-key", "the-token"));
        assertThat(create().with("SecretId", "AKIDtemporary").key("temporary-key").exchange().errorCode())
                .isEqualTo("AuthFailure.TokenFailure");
        assertThat(create().with("SecretId", "AKIDtemporary").key("temporary-key").with("Token", "the-token")
                .exchange().errorCode()).isNull();
    }

    @Test
    void aSignatureOverTheHostWithoutItsPortIsAcceptedUnlessHostMatchingIsStrict() {
        start();
        assertThat(create().signedHost("127.0.0.1").exchange().errorCode()).isNull();
        assertThat(create().signedHost("dbbrain.tencentcloudapi.com").exchange().errorCode())
                .isEqualTo("AuthFailure.SignatureFailure");
        calls.close();
        emulator.stop();
        start(b -> b.strictHostMatching(true));
        assertThat(create().signedHost("127.0.0.1").exchange().errorCode()).isEqualTo("AuthFailure.SignatureFailure");
        assertThat(create().exchange().errorCode()).isNull();
    }

    @Test
    void v1RequestsShareTheRateLimitOfTheirAction() {
        start(b -> b.rateLimit(2));
        assertThat(create().exchange().errorCode()).isNull();
        assertThat(create().signatureMethod("HmacSHA1").get().exchange().errorCode()).isNull();
        assertThat(create().exchange().errorCode()).isEqualTo("RequestLimitExceeded");
    }
}
