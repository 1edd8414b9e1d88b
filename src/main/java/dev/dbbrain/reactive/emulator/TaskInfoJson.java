package dev.dbbrain.reactive.emulator;

import dev.dbbrain.reactive.TaskInfo;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a {@code TaskInfo} object with all eleven documented fields, plus the undocumented
 * {@code InternalTaskStatus} that one official example carries, so that clients prove they ignore unknown fields.
 */
final class TaskInfoJson {

    private final TimeFormat times;

    TaskInfoJson(TimeFormat times) {
        this.times = times;
    }

    void write(KillTask.Snapshot state, ObjectNode target) {
        KillTask task = state.task();
        target.put("AsyncRequestId", task.asyncRequestId());
        target.put("InstanceId", task.instanceId());
        target.put("TaskStatus", state.status().apiValue());
        target.put("Progress", state.progress());
        strings(target.putArray("InstProxyList"), task.instanceProxies());
        target.put("InstProxyCount", task.instanceProxies().size());
        strings(target.putArray("FinishedProxyList"), state.finishedProxies());
        strings(target.putArray("FailedProxyList"), state.failedProxies());
        target.put("CreateTime", times.format(task.createdAtMillis()));
        target.put("StartTime", times.format(state.startMillis()));
        target.put("EndTime", times.format(state.endMillis()));
        target.put("InternalTaskStatus", state.status().apiValue());
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
