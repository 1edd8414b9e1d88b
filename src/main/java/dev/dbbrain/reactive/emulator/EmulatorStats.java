package dev.dbbrain.reactive.emulator;

import dev.dbbrain.reactive.TaskStatus;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link DbbrainEmulator} has seen so far: the same data as {@code GET /_emulator/stats}, as an immutable
 * value taken at one instant.
 *
 * <p>Example, after a client created one task and polled it until it finished:
 * <pre>{@code
 * EmulatorStats stats = emulator.stats();
 * assertThat(stats.requests()).containsEntry("CreateProxySessionKillTask", 1L);
 * assertThat(stats.tasks()).extracting(EmulatorStats.Task::status).containsExactly("finished");
 * }</pre>
 *
 * @param requests how many API requests were received per {@code X-TC-Action} value, whatever their outcome
 *     ({@code "(none)"} when the header was missing)
 * @param errors how many times each error code was answered, plus injected transport faults under
 *     {@code fault.http502}, {@code fault.http503}, {@code fault.reset} and {@code fault.malformed}, and requests
 *     refused with an HTTP status under {@code refused.http405} (a method other than GET and POST, CONNECT
 *     included) and {@code refused.http400} (a request target that is neither a path nor an absolute URL); a
 *     {@link EmulatorAnswer scripted} error envelope counts under its code, other scripted answers under
 *     {@code scripted.http<status>}, {@code scripted.raw}, {@code scripted.reset}, {@code scripted.disconnect} and
 *     {@code scripted.noAnswer}
 * @param maxRequestsInOneSecond per {@code X-TC-Action} value, the most requests received within any sliding
 *     one-second window of the emulator's clock
 * @param tasksCreated how many tasks were created
 * @param tasks every task created, in creation order, with its status at the time of the snapshot
 */
public record EmulatorStats(Map<String, Long> requests, Map<String, Long> errors,
        Map<String, Integer> maxRequestsInOneSecond, long tasksCreated, List<Task> tasks) {

    /**
     * Copies the arguments into unmodifiable collections, keeping the maps' iteration order.
     *
     * @param requests requests received per action
     * @param errors errors answered per code
     * @param maxRequestsInOneSecond most requests per action in any sliding second
     * @param tasksCreated number of tasks created
     * @param tasks the tasks
     */
    public EmulatorStats {
        requests = copy(requests, "requests");
        errors = copy(errors, "errors");
        maxRequestsInOneSecond = copy(maxRequestsInOneSecond, "maxRequestsInOneSecond");
        tasks = List.copyOf(Objects.requireNonNull(tasks, "tasks"));
    }

    private static <V> Map<String, V> copy(Map<String, V> map, String name) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(map, name)));
    }

    /**
     * One task the emulator created.
     *
     * @param instanceId the instance the task works on
     * @param asyncRequestId the task ID that {@code CreateProxySessionKillTask} returned
     * @param status the task's {@code TaskStatus} at the time of the snapshot, such as {@code running}
     */
    public record Task(String instanceId, long asyncRequestId, String status) {

        /**
         * Checks that no component is null.
         *
         * @param instanceId the instance ID
         * @param asyncRequestId the task ID
         * @param status the status
         */
        public Task {
            Objects.requireNonNull(instanceId, "instanceId");
            Objects.requireNonNull(status, "status");
        }
    }
}
