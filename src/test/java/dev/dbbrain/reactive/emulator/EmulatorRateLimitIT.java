package dev.dbbrain.reactive.emulator;

import static dev.dbbrain.reactive.emulator.SignedCalls.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class EmulatorRateLimitIT extends EmulatorTestSupport {

    @Test
    void twentyRequestsInOneInstantAreAdmittedAndTheTwentyFirstIsRefused() {
        start();
        List<String> codes = describeTimes(21);
        assertThat(codes.subList(0, 20)).containsOnlyNulls();
        assertThat(codes.get(20)).isEqualTo("RequestLimitExceeded");
    }

    @Test
    void requestsAreAdmittedAgainOnceTheWindowHasMovedPastThem() {
        start();
        describeTimes(20);
        clock.advance(Duration.ofMillis(999));
        assertThat(describeTimes(1)).containsExactly("RequestLimitExceeded");
        clock.advance(Duration.ofMillis(1));
        List<String> codes = describeTimes(21);
        assertThat(codes.subList(0, 20)).containsOnlyNulls();
        assertThat(codes.get(20)).isEqualTo("RequestLimitExceeded");
    }

    @Test
    void refusedRequestsDoNotUseUpTheWindow() {
        start();
        describeTimes(20);
        clock.advance(Duration.ofMillis(500));
        assertThat(describeTimes(5)).containsOnly("RequestLimitExceeded");
        clock.advance(Duration.ofMillis(500)); // the 20 admitted ones leave the window; the 5 refused never entered
        List<String> codes = describeTimes(21);
        assertThat(codes.subList(0, 20)).containsOnlyNulls();
        assertThat(codes.get(20)).isEqualTo("RequestLimitExceeded");
    }

    @Test
    void windowIsSlidingNotAPerSecondBucket() {
        start();
        clock.advance(Duration.ofMillis(900));
        describeTimes(20);
        clock.advance(Duration.ofMillis(200)); // a new calendar second, but the same sliding second
        assertThat(describeTimes(1)).containsExactly("RequestLimitExceeded");
    }

    @Test
    void limitIsCountedPerActionAndPerSecretId() {
        start(builder -> builder.credentials("AKIDsecond", "second-key"));
        describeTimes(20);
        assertThat(calls.create(INSTANCE).exchange().errorCode()).isNull();
        assertThat(calls.describe(INSTANCE, 1).secret("AKIDsecond", "second-key").exchange().errorCode()).isNull();
        assertThat(describeTimes(1)).containsExactly("RequestLimitExceeded");
    }

    @Test
    void concurrentRequestsAdmitExactlyTheLimit() {
        start(builder -> builder.rateLimit(5));
        List<String> codes = Flux.range(0, 30)
                .flatMap(i -> calls.describe(INSTANCE, 1).send(), 8)
                .map(answer -> String.valueOf(answer.errorCode()))
                .collectList()
                .block(SignedCalls.TIMEOUT);
        assertThat(codes).filteredOn("null"::equals).hasSize(5);
        assertThat(codes).filteredOn("RequestLimitExceeded"::equals).hasSize(25);
        assertThat(emulator.stats().maxRequestsInOneSecond()).containsEntry(Action.DESCRIBE.apiName(), 30);
    }

    @Test
    void rateLimitZeroAdmitsEverything() {
        start(builder -> builder.rateLimit(0));
        assertThat(describeTimes(50)).containsOnlyNulls();
    }

    private List<String> describeTimes(int times) {
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            codes.add(calls.describe(INSTANCE, 1).exchange().errorCode());
        }
        return codes;
    }
}
