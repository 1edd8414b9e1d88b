package dev.dbbrain.dashboard;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.DbbrainClient;
import java.net.URI;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Starts kill tasks and streams their progress. Path variables are checked here, before anything is sent, so a
 * mistyped ID is a 400 naming it rather than a round trip to the service.
 */
@RestController
@RequestMapping("/api/instances/{instanceId}")
class KillController {

    /** Tencent Cloud instance IDs ({@code crs-1zmtlp4p}): letters, digits, '-' and '_'. */
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final DbbrainClient dbbrain;
    private final TaskEvents events;
    private final StreamLimits streams;
    private final String backend;

    KillController(DbbrainClient dbbrain, DashboardProperties properties, StreamLimits streams, BackendGuard guard) {
        this.dbbrain = dbbrain;
        this.events = new TaskEvents(properties.heartbeat(), Schedulers.parallel());
        this.streams = streams;
        this.backend = guard.backend();
    }

    /**
     * Starts a task that kills the sessions on every proxy of the instance. Only with {@code Content-Type:
     * application/json}: a browser asks before sending that to another site, and the answer is no, so no other page
     * can make a visitor's browser start a task here.
     *
     * @return 201 with the task's ID and, in {@code Location}, its event stream
     */
    @PostMapping(value = "/kill", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<KillStarted>> kill(@PathVariable String instanceId) {
        String instance = checkInstanceId(instanceId);
        return dbbrain.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(instance))
                .map(created -> {
                    URI events = URI.create("/api/instances/" + instance + "/tasks/" + created.asyncRequestId()
                            + "/events");
                    return ResponseEntity.created(events)
                            .body(new KillStarted(instance, created.asyncRequestId(), events.toString(),
                                    created.requestId(), backend));
                });
    }

    /**
     * Streams the task's states until it ends; see {@link TaskEvents}. A reconnecting browser gets the latest state
     * first, then the changes. Over the caps on open streams ({@code dashboard.streams.*}) it is refused at once
     * with 429, before any watch starts.
     */
    @GetMapping(value = "/tasks/{taskId}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<?>> events(@PathVariable String instanceId, @PathVariable String taskId,
            ServerHttpRequest request) {
        String instance = checkInstanceId(instanceId);
        long task = checkTaskId(taskId);
        Runnable release = streams.acquire(client(request));
        return events.stream(dbbrain.watch(instance, task)).doFinally(signal -> release.run());
    }

    /** The client's address: behind a proxy, set {@code server.forward-headers-strategy} so that it is the browser's. */
    private static String client(ServerHttpRequest request) {
        return request.getRemoteAddress() == null || request.getRemoteAddress().getAddress() == null ? "unknown"
                : request.getRemoteAddress().getAddress().getHostAddress();
    }

    static String checkInstanceId(String instanceId) {
        if (!INSTANCE_ID.matcher(instanceId).matches()) {
            throw new IllegalArgumentException("instanceId must be 1 to 64 letters, digits, '-' or '_' (like "
                    + "crs-1zmtlp4p), got '" + shorten(instanceId) + "'");
        }
        return instanceId;
    }

    static long checkTaskId(String taskId) {
        long task;
        try {
            task = Long.parseLong(taskId);
        } catch (NumberFormatException e) {
            task = 0;
        }
        if (task <= 0) {
            throw new IllegalArgumentException("taskId must be a positive integer (the AsyncRequestId of a task), got '"
                    + shorten(taskId) + "'");
        }
        return task;
    }

    private static String shorten(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "…";
    }

    /**
     * A task just created.
     *
     * @param instanceId the instance
     * @param taskId the task's {@code AsyncRequestId}
     * @param events the path of its event stream
     * @param requestId the RequestId of the create call, for support tickets
     * @param backend which backend created it: {@code emulator} or {@code tencent-cloud}
     */
    record KillStarted(String instanceId, long taskId, String events, String requestId, String backend) {
    }
}
