package dev.dbbrain.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The other tests prove nothing about blocking unless BlockHound is really installed in this JVM. */
class BlockHoundGuardTest {

    @Test
    void blockingOnAReactorThreadIsAnError() {
        Mono<Integer> sleeper = Mono.fromCallable(() -> {
            Thread.sleep(1);
            return 1;
        }).subscribeOn(Schedulers.parallel());

        StepVerifier.create(sleeper)
                .expectErrorSatisfies(e -> assertThat(e.getClass().getName())
                        .isEqualTo("reactor.blockhound.BlockingOperationError"))
                .verify(Duration.ofSeconds(10));
    }
}
