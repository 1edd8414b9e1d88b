package dev.dbbrain.reactive.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Error codes and attempt numbers become tag values from bounded sets, whatever the server sends. */
class RequestTagsTest {

    @Test
    void listedCodesAreKeptAsTheyAre() {
        assertThat(RequestTags.apiCode("RequestLimitExceeded")).isEqualTo("RequestLimitExceeded");
        assertThat(RequestTags.apiCode("AuthFailure.SignatureExpire")).isEqualTo("AuthFailure.SignatureExpire");
        assertThat(RequestTags.apiCode("RequestLimitExceeded.IPLimitExceeded"))
                .isEqualTo("RequestLimitExceeded.IPLimitExceeded");
    }

    @Test
    void unlistedDetailsAreCountedUnderTheirFamily() {
        assertThat(RequestTags.apiCode("FailedOperation.ProxyBusy")).isEqualTo("FailedOperation");
        assertThat(RequestTags.apiCode("InvalidParameterValue.Whatever")).isEqualTo("InvalidParameterValue");
    }

    @Test
    void anythingElseIsOther() {
        assertThat(RequestTags.apiCode("crs-abcd1234")).isEqualTo("OTHER");
        assertThat(RequestTags.apiCode("Random" + System.nanoTime())).isEqualTo("OTHER");
        assertThat(RequestTags.apiCode(null)).isEqualTo("OTHER");
        assertThat(RequestTags.apiCode("")).isEqualTo("OTHER");
    }

    @Test
    void theResendTagHasTwoValuesWhateverTheRetryBudget() {
        assertThat(RequestTags.resend(0)).isEqualTo("false");
        assertThat(java.util.stream.IntStream.rangeClosed(1, 1000).mapToObj(RequestTags::resend).distinct())
                .containsExactly("true");
    }
}
