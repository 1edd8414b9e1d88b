package dev.dbbrain.reactive.emulator;

import dev.dbbrain.reactive.TaskInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JsonGenerator;

/**
 * Writes a {@code TaskInfo} object with all eleven documented fields; the emulator's own tasks also carry the
 * undocumented {@code InternalTaskStatus} that one official example has, so that clients prove they ignore unknown
 * fields.
 */
final class TaskInfoJson {

    private final TimeFormat times;

    TaskInfoJson(TimeFormat times) {
        this.times = times;
    }

    void write(KillTask.Snapshot state, JsonGenerator json) {
        KillTask task = state.task();
        write(json, new Fields(task.asyncRequestId(), task.instanceId(), state.status().apiValue(), state.progress(),
                task.instanceProxies(), state.finishedProxies(), state.failedProxies(), task.createdAtMillis(),
                state.startMillis(), state.endMillis()), true);
    }

    /** A task as a test scripted it, exactly: no {@code InternalTaskStatus}, an empty time as "". */
    void write(TaskInfo info, JsonGenerator json) {
        write(json, new Fields(info.asyncRequestId(), info.instanceId(), info.status(), info.progress(),
                info.instProxyList(), info.finishedProxyList(), info.failedProxyList(), millis(info.createTime()),
                millis(info.startTime()), millis(info.endTime())), false, info.instProxyCount());
    }

    /** The fields of one task; times in clock millis, -1 for a time that has not happened. */
    record Fields(long asyncRequestId, String instanceId, String status, long progress, List<String> instProxies,
            List<String> finished, List<String> failed, long createMillis, long startMillis, long endMillis) {
    }

    void write(JsonGenerator json, Fields task, boolean internalStatus) {
        write(json, task, internalStatus, task.instProxies().size());
    }

    private void write(JsonGenerator json, Fields task, boolean internalStatus, long instProxyCount) {
        json.writeStartObject();
        json.writeNumberProperty("AsyncRequestId", task.asyncRequestId());
        json.writeStringProperty("InstanceId", task.instanceId());
        json.writeStringProperty("TaskStatus", task.status());
        json.writeNumberProperty("Progress", task.progress());
        strings(json, "InstProxyList", task.instProxies());
        json.writeNumberProperty("InstProxyCount", instProxyCount);
        strings(json, "FinishedProxyList", task.finished());
        strings(json, "FailedProxyList", task.failed());
        json.writeStringProperty("CreateTime", times.format(task.createMillis()));
        json.writeStringProperty("StartTime", times.format(task.startMillis()));
        json.writeStringProperty("EndTime", times.format(task.endMillis()));
        if (internalStatus) {
            json.writeStringProperty("InternalTaskStatus", task.status());
        }
        json.writeEndObject();
    }

    private static long millis(Optional<Instant> time) {
        return time.map(Instant::toEpochMilli).orElse(-1L);
    }

    private static void strings(JsonGenerator json, String name, List<String> values) {
        json.writeArrayPropertyStart(name);
        values.forEach(json::writeString);
        json.writeEndArray();
    }
}
