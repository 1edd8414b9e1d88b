package dev.dbbrain.reactive;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One proxy session-kill task as DBbrain reports it ({@code TaskInfo} in DescribeProxySessionKillTasks).
 *
 * <p>Lists are immutable and never {@code null}. Times are empty when the service sent an empty string (a task that
 * has not started or ended yet) or a value in neither documented format; times without an offset
 * ({@code 2022-02-11 10:22:46}) are read in the client's configured server time zone.
 *
 * <p><b>As JSON</b> (a WebFlux endpoint returning {@code Flux<TaskInfo>} as Server-Sent Events), Jackson 2 and
 * Jackson 3 alike write the components and {@code terminal}, with the status in the API's own words:
 * <pre>{@code
 * {"asyncRequestId":14672492,"instanceId":"crs-abcd1234","status":"finished","progress":100,
 *  "instProxyList":["proxy-1","proxy-2"],"instProxyCount":2,"finishedProxyList":["proxy-1","proxy-2"],
 *  "failedProxyList":[],"createTime":"2025-03-01T02:22:46Z","startTime":"2025-03-01T02:22:47Z",
 *  "endTime":"2025-03-01T02:22:49Z","terminal":true}
 * }</pre>
 * A browser reads {@code status} ({@code created}, {@code chosen}, {@code running}, {@code finished},
 * {@code failed}, or a newer status as the API sent it); {@code terminal} is {@code true} on the last state of a
 * watch. Times are ISO-8601 instants, {@code null} while unknown. The record carries no annotation and no Jackson
 * type, so any JSON library that writes records the usual way gives the same shape.
 *
 * @param asyncRequestId the task ID ({@code AsyncRequestId})
 * @param instanceId the instance ID ({@code InstanceId})
 * @param status the status in the API's words ({@code TaskStatus}): {@code created}, {@code chosen},
 *     {@code running}, {@code finished} or {@code failed}, in lower case as documented; a status this library does
 *     not know stays as sent. {@link #taskStatus()} is the same as an enum
 * @param progress the progress figure ({@code Progress}); 100 when finished, unit otherwise undocumented
 * @param instProxyList all proxy IDs of the instance ({@code InstProxyList})
 * @param instProxyCount the number of proxies of the instance ({@code InstProxyCount})
 * @param finishedProxyList the proxies that completed the kill ({@code FinishedProxyList})
 * @param failedProxyList the proxies where the kill failed ({@code FailedProxyList})
 * @param createTime when the task was created ({@code CreateTime})
 * @param startTime when the task started ({@code StartTime})
 * @param endTime when the task ended ({@code EndTime})
 */
public record TaskInfo(long asyncRequestId, String instanceId, String status, long progress,
        List<String> instProxyList, long instProxyCount, List<String> finishedProxyList, List<String> failedProxyList,
        Optional<Instant> createTime, Optional<Instant> startTime, Optional<Instant> endTime) {

    /**
     * Creates a task snapshot, copying the lists. A status this library knows is stored in its documented lower-case
     * form ({@code "Finished "} becomes {@code "finished"}); any other is kept as sent.
     *
     * @param asyncRequestId the task ID ({@code AsyncRequestId})
     * @param instanceId the instance ID ({@code InstanceId})
     * @param status the status string ({@code TaskStatus})
     * @param progress the progress figure ({@code Progress}); 100 when finished, unit otherwise undocumented
     * @param instProxyList all proxy IDs of the instance ({@code InstProxyList})
     * @param instProxyCount the number of proxies of the instance ({@code InstProxyCount})
     * @param finishedProxyList the proxies that completed the kill ({@code FinishedProxyList})
     * @param failedProxyList the proxies where the kill failed ({@code FailedProxyList})
     * @param createTime when the task was created ({@code CreateTime})
     * @param startTime when the task started ({@code StartTime})
     * @param endTime when the task ended ({@code EndTime})
     * @throws NullPointerException if any argument is {@code null}
     */
    public TaskInfo {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(status, "status");
        TaskStatus known = TaskStatus.fromWire(status);
        if (known != TaskStatus.UNKNOWN) {
            status = known.wireValue();
        }
        instProxyList = List.copyOf(instProxyList);
        finishedProxyList = List.copyOf(finishedProxyList);
        failedProxyList = List.copyOf(failedProxyList);
        Objects.requireNonNull(createTime, "createTime");
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(endTime, "endTime");
    }

    /**
     * Returns the status as an enum, for code that branches on it; decide completion with {@link #isTerminal()}.
     *
     * @return the status, {@link TaskStatus#UNKNOWN} for a status this library does not know
     */
    public TaskStatus taskStatus() {
        return TaskStatus.fromWire(status);
    }

    /**
     * Returns whether the task has ended ({@code finished} or {@code failed}); written as {@code terminal} in JSON.
     *
     * @return {@code taskStatus().isTerminal()}
     */
    public boolean isTerminal() {
        return taskStatus().isTerminal();
    }
}
