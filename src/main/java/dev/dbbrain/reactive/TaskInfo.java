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
 * @param asyncRequestId the task ID ({@code AsyncRequestId})
 * @param instanceId the instance ID ({@code InstanceId})
 * @param status the status; decide completion with {@link TaskStatus#isTerminal()}
 * @param rawStatus the status string exactly as sent ({@code TaskStatus}), kept for statuses this library does not
 *     know
 * @param progress the progress figure ({@code Progress}); 100 when finished, unit otherwise undocumented
 * @param instProxyList all proxy IDs of the instance ({@code InstProxyList})
 * @param instProxyCount the number of proxies of the instance ({@code InstProxyCount})
 * @param finishedProxyList the proxies that completed the kill ({@code FinishedProxyList})
 * @param failedProxyList the proxies where the kill failed ({@code FailedProxyList})
 * @param createTime when the task was created ({@code CreateTime})
 * @param startTime when the task started ({@code StartTime})
 * @param endTime when the task ended ({@code EndTime})
 */
public record TaskInfo(long asyncRequestId, String instanceId, TaskStatus status, String rawStatus, long progress,
        List<String> instProxyList, long instProxyCount, List<String> finishedProxyList, List<String> failedProxyList,
        Optional<Instant> createTime, Optional<Instant> startTime, Optional<Instant> endTime) {

    /**
     * Creates a task snapshot, copying the lists.
     *
     * @param asyncRequestId the task ID ({@code AsyncRequestId})
     * @param instanceId the instance ID ({@code InstanceId})
     * @param status the status; decide completion with {@link TaskStatus#isTerminal()}
     * @param rawStatus the status string exactly as sent ({@code TaskStatus}), kept for statuses this library does not know
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
        Objects.requireNonNull(rawStatus, "rawStatus");
        instProxyList = List.copyOf(instProxyList);
        finishedProxyList = List.copyOf(finishedProxyList);
        failedProxyList = List.copyOf(failedProxyList);
        Objects.requireNonNull(createTime, "createTime");
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(endTime, "endTime");
    }

    /**
     * Returns whether the task has ended ({@code finished} or {@code failed}).
     *
     * @return {@code status().isTerminal()}
     */
    public boolean isTerminal() {
        return status.isTerminal();
    }
}
