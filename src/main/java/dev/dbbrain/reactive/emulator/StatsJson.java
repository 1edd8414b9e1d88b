package dev.dbbrain.reactive.emulator;

import dev.dbbrain.reactive.internal.JsonOutput;
import java.util.Map;
import tools.jackson.core.JsonGenerator;

/** Writes {@link EmulatorStats} as the JSON of {@code GET /_emulator/stats}. */
final class StatsJson {

    private StatsJson() {
    }

    static byte[] write(EmulatorStats stats) {
        return JsonOutput.bytes(json -> {
            json.writeStartObject();
            counts(json, "requests", stats.requests());
            counts(json, "errors", stats.errors());
            counts(json, "maxRequestsInOneSecond", stats.maxRequestsInOneSecond());
            json.writeNumberProperty("tasksCreated", stats.tasksCreated());
            json.writeArrayPropertyStart("tasks");
            for (EmulatorStats.Task task : stats.tasks()) {
                json.writeStartObject();
                json.writeStringProperty("instanceId", task.instanceId());
                json.writeNumberProperty("asyncRequestId", task.asyncRequestId());
                json.writeStringProperty("status", task.status());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private static void counts(JsonGenerator json, String name, Map<String, ? extends Number> counts) {
        json.writeObjectPropertyStart(name);
        counts.forEach((key, count) -> json.writeNumberProperty(key, count.longValue()));
        json.writeEndObject();
    }
}
