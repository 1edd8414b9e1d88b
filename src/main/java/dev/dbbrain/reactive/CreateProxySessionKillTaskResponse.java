package dev.dbbrain.reactive;

import java.util.Objects;

/**
 * The answer to CreateProxySessionKillTask.
 *
 * @param asyncRequestId the ID of the new task ({@code AsyncRequestId}); pass it to DescribeProxySessionKillTasks
 * @param requestId the ID the service gave this request ({@code RequestId}), for support tickets
 */
public record CreateProxySessionKillTaskResponse(long asyncRequestId, String requestId) {

    /**
     * Creates a response.
     *
     * @param asyncRequestId the ID of the new task ({@code AsyncRequestId}); pass it to DescribeProxySessionKillTasks
     * @param requestId the ID the service gave this request ({@code RequestId}), for support tickets
     * @throws NullPointerException if {@code requestId} is {@code null}
     */
    public CreateProxySessionKillTaskResponse {
        Objects.requireNonNull(requestId, "requestId");
    }
}
