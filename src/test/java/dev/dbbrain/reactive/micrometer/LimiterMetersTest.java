package dev.dbbrain.reactive.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainCapacityException;
import dev.dbbrain.reactive.DbbrainEventListener;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Limiter meters in virtual time: the registry's clock and the limiter's scheduler are one clock. */
class LimiterMetersTest {

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final MeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, new Clock() {
        @Override
        public long wallTime() {
            return time.now(TimeUnit.MILLISECONDS);
        }

        @Override
        public long monotonicTime() {
            return time.now(TimeUnit.NANOSECONDS);
        }
    });
    private final DbbrainEventListener observer = DbbrainMicrometer.metrics(registry);
    private final RateLimiter limiter = RateLimiter.builder().permitsPerSecond(10).burst(1).scheduler(time).build();

    @AfterEach
    void tearDown() {
        time.dispose();
    }

    private double queued() {
        return registry.get("dbbrain.limiter.queued").gauge().value();
    }

    @Test
    void eachGrantedWaitIsTimedOnTheRegistrysClockAndTheQueueFollowsTheWaiters() {
        Disposable waits = Flux.range(0, 3).flatMap(i -> observer.permitWait("Describe", limiter.acquire("Describe")))
                .subscribe();
        // One permit at once (burst 1), the others queued: a permit every 100 ms.
        assertThat(queued()).isEqualTo(2);
        time.advanceTimeBy(Duration.ofMillis(100));
        assertThat(queued()).isEqualTo(1);
        time.advanceTimeBy(Duration.ofMillis(100));
        assertThat(queued()).isZero();
        assertThat(waits.isDisposed()).isTrue();

        Timer wait = registry.get("dbbrain.limiter.wait").tag("action", "Describe").timer();
        assertThat(wait.count()).isEqualTo(3);
        assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(300);
        assertThat(wait.max(TimeUnit.MILLISECONDS)).isEqualTo(200);
    }

    @Test
    void aCancelledWaitLeavesTheQueueAndIsNotTimed() {
        observer.permitWait("Create", limiter.acquire("Create")).subscribe();
        Disposable second = observer.permitWait("Create", limiter.acquire("Create")).subscribe();
        assertThat(queued()).isEqualTo(1);

        second.dispose();

        assertThat(queued()).isZero();
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(registry.get("dbbrain.limiter.wait").tag("action", "Create").timer().count()).isEqualTo(1);
    }

    @Test
    void clientsReportingToOneRegistryAddUpInTheGauges() {
        DbbrainEventListener other = DbbrainMicrometer.metrics(registry);
        observer.watchStarted();
        other.watchStarted();
        other.watchStarted();
        assertThat(registry.get("dbbrain.watch.active").gauge().value()).isEqualTo(3);
        other.watchEnded();
        assertThat(registry.get("dbbrain.watch.active").gauge().value()).isEqualTo(2);
        Mono<Void> never = observer.permitWait("Describe", Mono.<Void>never());
        Disposable waiting = never.subscribe();
        Disposable waitingToo = other.permitWait("Describe", Mono.never()).subscribe();
        assertThat(queued()).isEqualTo(2);
        waiting.dispose();
        waitingToo.dispose();
        assertThat(queued()).isZero();
    }

    @Test
    void requestsRefusedForAFullQueueAreCountedByActionAndLeaveTheQueue() {
        RateLimiter small = RateLimiter.builder().permitsPerSecond(1).burst(1).maxQueued(2).scheduler(time).build();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 5; i++) {
            observer.permitWait("Create", small.acquire("Create")).subscribe(null, errors::add);
        }
        // One granted at once, two queued, two refused on the spot.
        assertThat(errors).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOf(DbbrainCapacityException.class));
        assertThat(queued()).isEqualTo(2);
        assertThat(registry.get("dbbrain.limiter.rejected").tag("action", "Create").counter().count()).isEqualTo(2);
        assertThat(registry.find("dbbrain.limiter.rejected").tag("action", "Describe").counter()).isNull();
        time.advanceTimeBy(Duration.ofSeconds(2));
        assertThat(queued()).isZero();
    }
}
