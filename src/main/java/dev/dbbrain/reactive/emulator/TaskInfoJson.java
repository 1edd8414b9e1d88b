package dev.dbbrain.reactive.emulator;

import dev.dbbrain.reactive.TaskInfo;
import java.util.List;
import tools.jackson.core.JsonGenerator;

/**
 * Writes a {@code TaskInfo} object with all eleven documented fields, plus the undocumented
 * {@code InternalTaskStatus} that one official example carries, so that clients prove they ignore unknown fields.
 */
final class TaskInfoJson {

    private final TimeFormat times;

    TaskInfoJson(TimeFormat times) {
        this.times = times;
    }

    void write(KillTask.Snapshot state, JsonGenerator json) {
        KillTask task = state.task();
        json.writeStartObject();
        json.writeNumberProperty("AsyncRequestId", task.asyncRequestId());
        json.writeStringProperty("InstanceId", task.instanceId());
        json.writeStringProperty("TaskStatus", state.status().apiValue());
        json.writeNumberProperty("Progress", state.progress());
        strings(json, "InstProxyList", task.instanceProxies());
        json.writeNumberProperty("InstProxyCount", task.instanceProxies().size());
        strings(json, "FinishedProxyList", state.finishedProxies());
        strings(json, "FailedProxyList", state.failedProxies());
        json.writeStringProperty("CreateTime", times.format(task.createdAtMillis()));
        json.writeStringProperty("StartTime", times.format(state.startMillis()));
        json.writeStringProperty("EndTime", times.format(state.endMillis()));
        json.writeStringProperty("InternalTaskStatus", state.status().apiValue());
        json.writeEndObject();
    }

    private static void strings(JsonGenerator json, String name, List<String> values) {
        json.writeArrayPropertyStart(name);
        values.forEach(json::writeString);
        json.writeEndArray();
    }
}
