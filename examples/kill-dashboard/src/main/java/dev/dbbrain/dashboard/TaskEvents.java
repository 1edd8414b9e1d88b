package dev.dbbrain.dashboard;

import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DbbrainException;
import dev.dbbrain.reactive.DbbrainWatchException;
import dev.dbbrain.reactive.TaskInfo;
import java.time.Duration;
import java.util.Locale;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Turns a task's states into a Server-Sent Events stream: one {@value #TASK} event per state, a
 * {@value #WATCH_ERROR} event if the watch fails, and a {@value #HEARTBEAT} comment every heartbeat interval, so
 * proxies and browsers keep a quiet stream open. The stream completes right after the terminal state (or the error
 * event); the heartbeats stop with it.
 */
final class TaskEvents {

    /** The event name of a task state; its data is the {@link TaskInfo}. */
    static final String TASK = "task";
    /** The event name of a failed watch; its data is a {@link WatchFailure}. */
    static final String WATCH_ERROR = "watch-error";
    /** The text of a heartbeat comment. */
    static final String HEARTBEAT = "heartbeat";

    private final Duration heartbeat;
    private final Scheduler scheduler;

    TaskEvents(Duration heartbeat, Scheduler scheduler) {
        this.heartbeat = heartbeat;
        this.scheduler = scheduler;
    }

    /** The events of {@code states}; cancelling the result cancels the watch and the heartbeats. */
    Flux<ServerSentEvent<?>> stream(Flux<TaskInfo> states) {
        Flux<ServerSentEvent<?>> events = states
                .<ServerSentEvent<?>>map(state -> ServerSentEvent.builder(state)
                        .event(TASK)
                        .build())
                .onErrorResume(e -> Mono.just(ServerSentEvent.builder(WatchFailure.of(e)).event(WATCH_ERROR).build()));
        Flux<ServerSentEvent<?>> heartbeats = Flux.interval(heartbeat, heartbeat, scheduler)
                .map(tick -> ServerSentEvent.builder().comment(HEARTBEAT).build());
        // The events always complete (errors became an event) and the heartbeats stop when they do; cutting at the
        // last event as well keeps a heartbeat that raced with it from following it.
        return events.publish(shared -> Flux.merge(shared, heartbeats.takeUntilOther(shared.then(Mono.just(true)))))
                .takeUntil(TaskEvents::isLast);
    }

    private static boolean isLast(ServerSentEvent<?> event) {
        return WATCH_ERROR.equals(event.event()) || event.data() instanceof TaskInfo task && task.isTerminal();
    }

    /**
     * Why a watch ended without the task's end, as the page shows it.
     *
     * @param code the service's error code, or one naming the failure ({@code WatchDeadline}, {@code WatchNotFound},
     *     {@code TransportError}, …)
     * @param message what happened
     * @param requestId the RequestId of the failed call, or {@code null}
     * @param lastSeen the task's last state seen, or {@code null}
     */
    record WatchFailure(String code, String message, String requestId, TaskInfo lastSeen) {

        static WatchFailure of(Throwable e) {
            TaskInfo lastSeen = e instanceof DbbrainWatchException w ? w.lastSeen().orElse(null) : null;
            String requestId = e instanceof DbbrainException d ? d.requestId() : null;
            String message = e instanceof DbbrainApiException api ? api.errorMessage() : e.getMessage();
            return new WatchFailure(code(e), message, requestId, lastSeen);
        }

        /** The service's error code, or a short name made from the kind of failure. */
        static String code(Throwable e) {
            if (e instanceof DbbrainApiException api) {
                return api.code();
            }
            if (e instanceof DbbrainWatchException w) {
                StringBuilder code = new StringBuilder("Watch");
                for (String word : w.reason().name().split("_")) {
                    code.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
                }
                return code.toString();
            }
            return e.getClass().getSimpleName().replace("Dbbrain", "").replace("Exception", "Error");
        }
    }
}
