package dev.dbbrain.reactive.emulator;

import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a scripted {@link EmulatorAnswer} (any kind but {@code simulated}) into the {@link Reply} for one request.
 * Reads the emulator's tasks (for {@code taskState} of a task it knows) and changes nothing.
 */
final class ScriptedReplies {

    private static final String ASYNC_REQUEST_IDS = "AsyncRequestIds.";

    private final TaskBook tasks;
    private final InstanceCatalog instances;
    private final TaskInfoJson taskInfo;

    ScriptedReplies(TaskBook tasks, InstanceCatalog instances, TaskInfoJson taskInfo) {
        this.tasks = tasks;
        this.instances = instances;
        this.taskInfo = taskInfo;
    }

    Reply reply(EmulatorAnswer answer, RecordedRequest request, long now) {
        switch (answer.kind()) {
            case ERROR:
                return Envelopes.error(answer.errorCode(), answer.errorMessage(), answer.requestId());
            case CREATED:
                return Envelopes.success(new KillTaskService.Created(answer.asyncRequestId()), answer.requestId());
            case TASK_STATE:
                return describe(taskStates(answer, request.parameters(), now), answer.requestId());
            case TASKS:
                return Envelopes.success(json -> {
                    json.writeArrayPropertyStart("Tasks");
                    answer.scriptedTasks().forEach(task -> taskInfo.write(task, json));
                    json.writeEndArray();
                    json.writeNumberProperty("TotalCount", answer.scriptedTasks().size());
                }, answer.requestId());
            case HTTP_STATUS:
                return new Reply.Status(answer.status(), answer.headers().get("Content-Type"), answer.body());
            case RAW:
                return new Reply.Raw(answer.status(), answer.headers(), answer.body());
            case RESET:
                return Reply.Reset.SCRIPTED;
            case DISCONNECT:
                return new Reply.Close();
            case NO_ANSWER:
                return new Reply.Silence();
            default:
                throw new IllegalArgumentException("not a scripted answer: " + answer);
        }
    }

    private Reply describe(List<TaskInfoJson.Fields> found, String requestId) {
        return Envelopes.success(json -> {
            json.writeArrayPropertyStart("Tasks");
            found.forEach(task -> taskInfo.write(json, task, true));
            json.writeEndArray();
            json.writeNumberProperty("TotalCount", found.size());
        }, requestId);
    }

    /** One task in the answer's state per ID asked for, each once, in the order asked. */
    private List<TaskInfoJson.Fields> taskStates(EmulatorAnswer answer, Map<String, String> parameters, long now) {
        String instanceId = parameters.getOrDefault("InstanceId", "");
        List<TaskInfoJson.Fields> found = new ArrayList<>();
        for (long id : askedIds(parameters)) {
            KillTask known = tasks.find(instanceId, id);
            List<String> instProxies = known != null ? known.instanceProxies() : instances.proxyNames(instanceId);
            List<String> work = known != null ? known.workProxies() : instProxies;
            long created = known != null ? known.createdAtMillis() : now;
            TaskStatus status = answer.taskStatus();
            List<String> finished = List.of();
            List<String> failed = List.of();
            if (status == TaskStatus.RUNNING) {
                finished = work.subList(0, work.size() * answer.progress() / 100);
            } else if (status == TaskStatus.FINISHED) {
                finished = work;
            } else if (status == TaskStatus.FAILED) {
                finished = work.subList(0, work.size() - 1);
                failed = work.subList(work.size() - 1, work.size());
            }
            boolean started = status != TaskStatus.CREATED && status != TaskStatus.CHOSEN;
            found.add(new TaskInfoJson.Fields(id, instanceId, status.wireValue(), answer.progress(), instProxies,
                    finished, failed, created, started ? created : -1, status.isTerminal() ? now : -1));
        }
        return found;
    }

    /** The {@code AsyncRequestIds} of a Describe that are integers, each once, in the order asked. */
    private static Set<Long> askedIds(Map<String, String> parameters) {
        Set<Long> ids = new LinkedHashSet<>();
        parameters.forEach((name, value) -> {
            if (name.startsWith(ASYNC_REQUEST_IDS) && name.indexOf('.', ASYNC_REQUEST_IDS.length()) < 0) {
                try {
                    ids.add(Long.parseLong(value));
                } catch (NumberFormatException notAnId) {
                    // Not a task ID: a scripted answer asks nothing of the request, it skips it.
                }
            }
        });
        return ids;
    }
}
