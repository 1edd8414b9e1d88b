package dev.dbbrain.matrix;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.CreateProxySessionKillTaskResponse;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.TaskInfo;
import java.time.Duration;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Kills an instance's proxy sessions and streams the task's progress as Server-Sent Events. */
@RestController
class KillController {

    private final DbbrainClient dbbrain;

    KillController(DbbrainClient dbbrain) {
        this.dbbrain = dbbrain;
    }

    /** Creates the task; answers its ID. */
    @PostMapping("/instances/{id}/kill")
    Mono<Long> kill(@PathVariable String id) {
        return dbbrain.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(id))
                .map(CreateProxySessionKillTaskResponse::asyncRequestId);
    }

    /** The task's states until it ends, polled as {@code dbbrain.watch.*} says, with a deadline of its own. */
    @GetMapping(value = "/instances/{id}/tasks/{task}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<TaskInfo> follow(@PathVariable String id, @PathVariable long task) {
        return dbbrain.watch(id, task, dbbrain.watchOptions().deadline(Duration.ofMinutes(10)));
    }

    /** Create, then watch, in one stream. */
    @PostMapping(value = "/instances/{id}/kill-and-follow", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<TaskInfo> killAndFollow(@PathVariable String id) {
        return dbbrain.killProxySessions(id, dbbrain.watchOptions().deadline(Duration.ofMinutes(10)));
    }
}
