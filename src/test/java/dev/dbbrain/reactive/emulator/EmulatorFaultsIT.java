package dev.dbbrain.reactive.emulator;

import static dev.dbbrain.reactive.emulator.SignedCalls.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.core.JacksonException;

class EmulatorFaultsIT extends EmulatorTestSupport {

    @Test
    void fault502AnswersGatewayErrorPagesAlternating502And503() {
        start(builder -> builder.fault502(1));
        Answer first = calls.describe(INSTANCE, 1).exchange();
        Answer second = calls.describe(INSTANCE, 1).exchange();
        assertThat(first.status()).isEqualTo(502);
        assertThat(second.status()).isEqualTo(503);
        assertThat(first.headers().get("Content-Type")).startsWith("text/html");
        assertThat(first.text()).contains("<html>").contains("502 Bad Gateway");
        assertThat(second.text()).contains("503");
        assertThat(emulator.stats().errors()).containsEntry("fault.http502", 1L).containsEntry("fault.http503", 1L);
        assertThat(emulator.stats().tasksCreated()).isZero();
    }

    @Test
    void faultResetAbortsTheConnectionWithoutAnAnswer() {
        start(builder -> builder.faultReset(1));
        for (int i = 0; i < 2; i++) {
            StepVerifier.create(calls.create(INSTANCE).send())
                    .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(IOException.class))
                    .verify(SignedCalls.TIMEOUT);
        }
        assertThat(emulator.stats().errors()).containsEntry("fault.reset", 2L);
        assertThat(emulator.stats().tasksCreated()).as("the request was not processed").isZero();
    }

    @Test
    void faultMalformedAnswersTruncatedJsonWithMatchingContentLength() {
        start(builder -> builder.faultMalformed(1));
        Answer answer = calls.describe(INSTANCE, 1).exchange();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers().get("Content-Type")).isEqualTo("application/json");
        assertThat(answer.headers().getInt("Content-Length")).isEqualTo(answer.body().length).isPositive();
        assertThat(answer.text()).startsWith("{\"Response\":{");
        assertThatThrownBy(answer::json).isInstanceOf(JacksonException.class);
        assertThat(emulator.stats().errors()).containsEntry("fault.malformed", 1L);
    }

    @Test
    void faultInternalErrorAnswersTheInternalErrorEnvelope() {
        start(builder -> builder.faultInternalError(1));
        Answer answer = calls.create(INSTANCE).exchange();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.errorCode()).isEqualTo("InternalError");
        assertThat(answer.response().get("RequestId").isString()).isTrue();
        assertThat(emulator.stats().tasksCreated()).isZero();
    }

    @Test
    void faultThrottleAnswersRequestLimitExceeded() {
        start(builder -> builder.faultThrottle(1));
        assertThat(calls.describe(INSTANCE, 1).exchange().errorCode()).isEqualTo("RequestLimitExceeded");
        assertThat(emulator.stats().errors()).containsEntry("RequestLimitExceeded", 1L);
    }

    @Test
    void faultsAreRolledBeforeAnyCheckSoEvenInvalidRequestsGetThem() {
        start(builder -> builder.faultInternalError(1));
        assertThat(calls.describe(INSTANCE, 1).without("Authorization").exchange().errorCode())
                .isEqualTo("InternalError");
    }

    @Test
    void theSameSeedInjectsTheSameFaults() {
        List<Integer> first = statusesWithSeed(7);
        List<Integer> second = statusesWithSeed(7);
        assertThat(first).isEqualTo(second).contains(200).containsAnyOf(502, 503);
    }

    @Test
    void latencyDelaysTheAnswerOnTheGivenScheduler() {
        VirtualTimeScheduler virtualTime = VirtualTimeScheduler.create();
        start(builder -> builder.latency(Duration.ofSeconds(30)).scheduler(virtualTime));
        StepVerifier.create(calls.describe(INSTANCE, 1).send())
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(300))
                .then(() -> virtualTime.advanceTimeBy(Duration.ofSeconds(30)))
                .assertNext(answer -> assertThat(answer.errorCode()).isNull())
                .expectComplete()
                .verify(SignedCalls.TIMEOUT);
    }

    @Test
    void latencyDelaysTheAnswerInRealTime() {
        start(builder -> builder.latency(Duration.ofMillis(300)));
        long started = System.nanoTime();
        assertThat(calls.describe(INSTANCE, 1).exchange().errorCode()).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    private List<Integer> statusesWithSeed(long seed) {
        start(builder -> builder.seed(seed).fault502(0.5).rateLimit(0));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            statuses.add(calls.describe(INSTANCE, 1).exchange().status());
        }
        stopEmulator();
        return statuses;
    }
}
