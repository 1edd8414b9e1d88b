package dev.dbbrain.reactive.emulator;

import java.nio.charset.StandardCharsets;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Writes {@link EmulatorStats} as the JSON of {@code GET /_emulator/stats}. */
final class StatsJson {

    private StatsJson() {
    }

    static byte[] write(EmulatorStats stats) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode requests = root.putObject("requests");
        stats.requests().forEach(requests::put);
        ObjectNode errors = root.putObject("errors");
        stats.errors().forEach(errors::put);
        ObjectNode max = root.putObject("maxRequestsInOneSecond");
        stats.maxRequestsInOneSecond().forEach(max::put);
        root.put("tasksCreated", stats.tasksCreated());
        ArrayNode tasks = root.putArray("tasks");
        for (EmulatorStats.Task task : stats.tasks()) {
            tasks.addObject()
                    .put("instanceId", task.instanceId())
                    .put("asyncRequestId", task.asyncRequestId())
                    .put("status", task.status());
        }
        return Json.MAPPER.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
    }
}
