package dev.dbbrain.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DbbrainWatchException;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class TaskEventsTest {

    private static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void heartbeatsInterleaveWithStatesAndStopAfterTheTerminalState() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        TaskEvents events = new TaskEvents(HEARTBEAT, time);
        // States at 0 s, 20 s, 40 s (two heartbeats before each later state), terminal at 70 s.
        Flux<TaskInfo> states = Flux.concat(
                Flux.just(task(TaskStatus.CREATED, 0)),
                Flux.just(task(TaskStatus.RUNNING, 33)).delaySubscription(Duration.ofSeconds(20), time),
                Flux.just(task(TaskStatus.RUNNING, 66)).delaySubscription(Duration.ofSeconds(20), time),
                Flux.just(task(TaskStatus.FINISHED, 100)).delaySubscription(Duration.ofSeconds(30), time));

        StepVerifier.withVirtualTime(() -> events.stream(states), () -> time, Long.MAX_VALUE)
                .assertNext(e -> assertTask(e, TaskStatus.CREATED, 0))
                .thenAwait(Duration.ofSeconds(20))
                .assertNext(TaskEventsTest::assertHeartbeat)                 // 15 s
                .assertNext(e -> assertTask(e, TaskStatus.RUNNING, 33))       // 20 s
                .thenAwait(Duration.ofSeconds(20))
                .assertNext(TaskEventsTest::assertHeartbeat)                 // 30 s
                .assertNext(e -> assertTask(e, TaskStatus.RUNNING, 66))       // 40 s
                .thenAwait(Duration.ofSeconds(30))
                .assertNext(TaskEventsTest::assertHeartbeat)                 // 45 s
                .assertNext(TaskEventsTest::assertHeartbeat)                 // 60 s
                .assertNext(e -> assertTask(e, TaskStatus.FINISHED, 100))     // 70 s
                .expectComplete()   // the heartbeats ended too: the stream would not complete otherwise
                .verify(TIMEOUT);
    }

    @Test
    void aFailedWatchBecomesAWatchErrorEventWithTheLastStateAndEndsTheStream() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        TaskInfo running = task(TaskStatus.RUNNING, 33);
        DbbrainWatchException deadline = new DbbrainWatchException(DbbrainWatchException.Reason.DEADLINE,
                "crs-demo0001", 14_672_492L, running, "deadline of PT10M passed", null);
        Flux<TaskInfo> states = Flux.just(running).concatWith(Flux.error(deadline));

        StepVerifier.withVirtualTime(() -> new TaskEvents(HEARTBEAT, time).stream(states), () -> time, 10)
                .assertNext(e -> assertTask(e, TaskStatus.RUNNING, 33))
                .assertNext(e -> {
                    assertThat(e.event()).isEqualTo(TaskEvents.WATCH_ERROR);
                    TaskEvents.WatchFailure failure = (TaskEvents.WatchFailure) e.data();
                    assertThat(failure.code()).isEqualTo("WatchDeadline");
                    assertThat(failure.message()).contains("deadline");
                    assertThat(failure.lastSeen()).isEqualTo(running);
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aServiceErrorCarriesItsCodeAndRequestId() {
        DbbrainApiException notFound = new DbbrainApiException("DescribeProxySessionKillTasks",
                "ResourceNotFound", "instance crs-nosuch00 not found", "req-42");

        StepVerifier.create(new TaskEvents(HEARTBEAT, VirtualTimeScheduler.create()).stream(Flux.error(notFound)))
                .assertNext(e -> assertThat(e.data()).isEqualTo(new TaskEvents.WatchFailure("ResourceNotFound",
                        "instance crs-nosuch00 not found", "req-42", null)))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void cancellingTheStreamCancelsTheWatchAndTheHeartbeats() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        AtomicBoolean watchCancelled = new AtomicBoolean();
        Flux<TaskInfo> states = Flux.<TaskInfo>never().doOnCancel(() -> watchCancelled.set(true));

        StepVerifier.withVirtualTime(() -> new TaskEvents(HEARTBEAT, time).stream(states), () -> time, 10)
                .thenAwait(HEARTBEAT)
                .assertNext(TaskEventsTest::assertHeartbeat)
                .thenCancel()
                .verify(TIMEOUT);
        assertThat(watchCancelled).isTrue();
    }

    private static void assertTask(ServerSentEvent<?> event, TaskStatus status, long progress) {
        assertThat(event.event()).isEqualTo(TaskEvents.TASK);
        assertThat(event.comment()).isNull();
        TaskInfo task = (TaskInfo) event.data();
        assertThat(task.taskStatus()).isEqualTo(status);
        assertThat(task.progress()).isEqualTo(progress);
    }

    private static void assertHeartbeat(ServerSentEvent<?> event) {
        assertThat(event.comment()).isEqualTo(TaskEvents.HEARTBEAT);
        assertThat(event.data()).isNull();
        assertThat(event.event()).isNull();
    }

    static TaskInfo task(TaskStatus status, long progress) {
        List<String> proxies = List.of("crs-demo0001-proxy-1", "crs-demo0001-proxy-2", "crs-demo0001-proxy-3");
        List<String> finished = proxies.subList(0, (int) (progress * 3 / 100));
        return new TaskInfo(14_672_492L, "crs-demo0001", status.wireValue(), progress, proxies, 3,
                finished, List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
