package dev.dbbrain.reactive.emulator;

import static dev.dbbrain.reactive.emulator.SignedCalls.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/** The emulator's STS AssumeRole: signed for {@code sts}, version 2018-08-13, issuing credentials it then accepts. */
class EmulatorAssumeRoleIT extends EmulatorTestSupport {

    private static final String ROLE_ARN = "qcs::cam::uin/100000000001:roleName/dbbrain-ops";

    private SignedCalls.Call assumeRole(String body) {
        return calls.call("AssumeRole", body).service("sts").header("X-TC-Version", "2018-08-13");
    }

    private SignedCalls.Call assumeRole(long durationSeconds) {
        return assumeRole("{\"RoleArn\":\"" + ROLE_ARN + "\",\"RoleSessionName\":\"it-session\",\"DurationSeconds\":"
                + durationSeconds + "}");
    }

    @Test
    void issuedCredentialsAreAcceptedWithTheirTokenUntilTheyExpire() {
        start();
        Answer answer = assumeRole(900).exchange();
        assertThat(answer.errorCode()).isNull();
        JsonNode response = answer.response();
        JsonNode issued = response.get("Credentials");
        long expiredTime = response.get("ExpiredTime").longValue();
        assertThat(expiredTime).isEqualTo(clock.epochSecond() + 900);
        assertThat(response.get("Expiration").stringValue()).isEqualTo(Instant.ofEpochSecond(expiredTime).toString());
        assertThat(response.get("RequestId").stringValue()).isNotBlank();
        String id = issued.get("TmpSecretId").stringValue();
        String key = issued.get("TmpSecretKey").stringValue();
        String token = issued.get("Token").stringValue();
        assertThat(id).isNotEqualTo(SignedCalls.SECRET_ID);

        assertThat(calls.describe(INSTANCE, 1).secret(id, key).header("X-TC-Token", token).exchange().errorCode())
                .isNull();
        assertThat(calls.describe(INSTANCE, 1).secret(id, key).exchange().errorCode())
                .isEqualTo("AuthFailure.TokenFailure");
        assertThat(calls.describe(INSTANCE, 1).secret(id, key).header("X-TC-Token", token + "x").exchange()
                .errorCode()).isEqualTo("AuthFailure.TokenFailure");
        // Issued credentials may assume a role in turn, as on the real service.
        assertThat(assumeRole(900).secret(id, key).header("X-TC-Token", token).exchange().errorCode()).isNull();

        clock.advance(Duration.ofSeconds(899));
        assertThat(calls.describe(INSTANCE, 1).secret(id, key).header("X-TC-Token", token).exchange().errorCode())
                .isNull();
        clock.advance(Duration.ofSeconds(1));
        Answer expired = calls.describe(INSTANCE, 1).secret(id, key).header("X-TC-Token", token).exchange();
        assertThat(expired.errorCode()).isEqualTo("AuthFailure.TokenFailure");
        assertThat(expired.errorMessage()).contains("expired").doesNotContain(token, key);
        assertThat(emulator.stats().requests()).containsEntry("AssumeRole", 2L);
    }

    @Test
    void eachCallIssuesNewCredentials() {
        start();
        JsonNode first = assumeRole(900).exchange().response().get("Credentials");
        JsonNode second = assumeRole(900).exchange().response().get("Credentials");
        assertThat(second.get("TmpSecretId")).isNotEqualTo(first.get("TmpSecretId"));
        assertThat(second.get("Token")).isNotEqualTo(first.get("Token"));
    }

    @Test
    void assumeRoleSignedForDbbrainOrWithDbbrainsVersionIsRefused() {
        start();
        assertThat(assumeRole(900).service("dbbrain").exchange().errorCode())
                .isEqualTo("AuthFailure.SignatureFailure");
        assertThat(calls.describe(INSTANCE, 1).service("sts").exchange().errorCode())
                .isEqualTo("AuthFailure.SignatureFailure");
        assertThat(assumeRole(900).header("X-TC-Version", "2021-05-27").exchange().errorCode())
                .isEqualTo("NoSuchVersion");
        assertThat(calls.describe(INSTANCE, 1).header("X-TC-Version", "2018-08-13").exchange().errorCode())
                .isEqualTo("NoSuchVersion");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"RoleSessionName\":\"s1\"}                                                        | MissingParameter",
        "{\"RoleArn\":\"" + ROLE_ARN + "\"}                                                  | MissingParameter",
        "{\"RoleArn\":\"arn:aws:iam::1:role/x\",\"RoleSessionName\":\"s1\"}                  | InvalidParameterValue",
        "{\"RoleArn\":\"" + ROLE_ARN + "\",\"RoleSessionName\":\"a\"}                        | InvalidParameterValue",
        "{\"RoleArn\":\"" + ROLE_ARN + "\",\"RoleSessionName\":\"has space\"}                | InvalidParameterValue",
        "{\"RoleArn\":\"" + ROLE_ARN + "\",\"RoleSessionName\":\"s1\",\"DurationSeconds\":43201} | InvalidParameterValue",
        "{\"RoleArn\":\"" + ROLE_ARN + "\",\"RoleSessionName\":\"s1\",\"DurationSeconds\":0}  | InvalidParameterValue",
        "{\"RoleArn\":\"" + ROLE_ARN + "\",\"RoleSessionName\":\"s1\",\"DurationSeconds\":\"900\"} | InvalidParameter",
        "{\"RoleArn\":\"" + ROLE_ARN + "\",\"RoleSessionName\":\"s1\",\"Bogus\":1}           | UnknownParameter",
    })
    void malformedAssumeRoleBodiesGetTheServicesErrorCodes(String body, String code) {
        start();
        assertThat(assumeRole(body).exchange().errorCode()).isEqualTo(code);
    }

    @Test
    void durationDefaultsToTwoHours() {
        start();
        JsonNode response = assumeRole("{\"RoleArn\":\"" + ROLE_ARN + "\",\"RoleSessionName\":\"s1\"}").exchange()
                .response();
        assertThat(response.get("ExpiredTime").longValue()).isEqualTo(clock.epochSecond() + 7200);
    }
}
