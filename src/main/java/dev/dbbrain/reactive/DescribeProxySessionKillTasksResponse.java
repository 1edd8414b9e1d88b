package dev.dbbrain.reactive;

import java.util.List;
import java.util.Objects;

/**
 * The answer to DescribeProxySessionKillTasks.
 *
 * <p>Tasks the service does not know (or that belong to another instance) are simply absent from {@link #tasks()}.
 *
 * @param tasks the tasks found ({@code Tasks}), immutable
 * @param totalCount the number of tasks the service reports ({@code TotalCount})
 * @param requestId the ID the service gave this request ({@code RequestId})
 */
public record DescribeProxySessionKillTasksResponse(List<TaskInfo> tasks, long totalCount, String requestId) {

    /**
     * Creates a response, copying the task list.
     *
     * @param tasks the tasks found ({@code Tasks}), immutable
     * @param totalCount the number of tasks the service reports ({@code TotalCount})
     * @param requestId the ID the service gave this request ({@code RequestId})
     * @throws NullPointerException if {@code tasks} or {@code requestId} is {@code null}
     */
    public DescribeProxySessionKillTasksResponse {
        tasks = List.copyOf(tasks);
        Objects.requireNonNull(requestId, "requestId");
    }
}
