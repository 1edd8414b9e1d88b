package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbbrain.reactive.auth.Credentials;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestValidationTest {

    @Test
    void blankInstanceIdIsRefusedNamingTheArgument() {
        assertThatThrownBy(() -> CreateProxySessionKillTaskRequest.of(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("instanceId must not be blank");
        assertThatThrownBy(() -> CreateProxySessionKillTaskRequest.of(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("instanceId must not be null");
        assertThatThrownBy(() -> DescribeProxySessionKillTasksRequest.of("", 1L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("instanceId");
    }

    @Test
    void productDefaultsToRedisAndProxyIdIsOptional() {
        CreateProxySessionKillTaskRequest r = new CreateProxySessionKillTaskRequest("crs-1", null, null);
        assertThat(r.product()).isEqualTo("redis");
        assertThat(r.instanceProxyId()).isNull();
        assertThatThrownBy(() -> CreateProxySessionKillTaskRequest.of("crs-1", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("instanceProxyId");
    }

    @Test
    void describeNeedsAtLeastOneTaskIdAndNoNulls() {
        assertThatThrownBy(() -> DescribeProxySessionKillTasksRequest.of("crs-1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("asyncRequestIds must not be empty");
        assertThatThrownBy(() -> new DescribeProxySessionKillTasksRequest("crs-1", Arrays.asList(1L, null), null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("asyncRequestIds");
        List<Long> ids = new java.util.ArrayList<>(List.of(1L, 2L));
        DescribeProxySessionKillTasksRequest r = new DescribeProxySessionKillTasksRequest("crs-1", ids, null);
        ids.add(3L);
        assertThat(r.asyncRequestIds()).containsExactly(1L, 2L);
    }

    @Test
    void credentialsNeverShowTheKeyOrToken() {
        Credentials c = Credentials.of("AKIDexample", "TopSecretKey", "SessionToken123");
        assertThat(c.toString()).contains("AKIDexample").doesNotContain("TopSecretKey").doesNotContain("SessionToken123");
        assertThat(c.token()).contains("SessionToken123");
        assertThatThrownBy(() -> Credentials.of("id", "has space"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secretKey")
                .hasMessageNotContaining("has space");
    }

    @Test
    void errorCodesAreClassifiedForRetryLogic() {
        assertThat(ErrorCategory.ofErrorCode("RequestLimitExceeded")).isEqualTo(ErrorCategory.THROTTLED);
        assertThat(ErrorCategory.ofErrorCode("RequestLimitExceeded.IPLimitExceeded")).isEqualTo(ErrorCategory.THROTTLED);
        assertThat(ErrorCategory.ofErrorCode("AuthFailure.SignatureFailure")).isEqualTo(ErrorCategory.AUTH);
        assertThat(ErrorCategory.ofErrorCode("UnauthorizedOperation")).isEqualTo(ErrorCategory.AUTH);
        assertThat(ErrorCategory.ofErrorCode("InvalidParameterValue")).isEqualTo(ErrorCategory.INVALID_REQUEST);
        assertThat(ErrorCategory.ofErrorCode("MissingParameter")).isEqualTo(ErrorCategory.INVALID_REQUEST);
        assertThat(ErrorCategory.ofErrorCode("UnknownParameter")).isEqualTo(ErrorCategory.INVALID_REQUEST);
        assertThat(ErrorCategory.ofErrorCode("ResourceNotFound")).isEqualTo(ErrorCategory.INVALID_REQUEST);
        assertThat(ErrorCategory.ofErrorCode("InternalError")).isEqualTo(ErrorCategory.TRANSIENT);
        assertThat(ErrorCategory.ofErrorCode("ServiceUnavailable")).isEqualTo(ErrorCategory.TRANSIENT);
        assertThat(ErrorCategory.ofErrorCode("FailedOperation")).isEqualTo(ErrorCategory.OTHER);
        assertThat(ErrorCategory.ofHttpStatus(503)).isEqualTo(ErrorCategory.TRANSIENT);
        assertThat(ErrorCategory.ofHttpStatus(429)).isEqualTo(ErrorCategory.THROTTLED);
        assertThat(ErrorCategory.ofHttpStatus(404)).isEqualTo(ErrorCategory.OTHER);
    }
}
