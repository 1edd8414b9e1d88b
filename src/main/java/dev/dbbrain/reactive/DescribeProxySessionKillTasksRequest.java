package dev.dbbrain.reactive;

import dev.dbbrain.reactive.internal.Validation;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The parameters of DescribeProxySessionKillTasks: the state of some tasks of one instance.
 *
 * <pre>{@code
 * client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-abcd1234", 14672492L))
 * }</pre>
 *
 * @param instanceId the instance ID ({@code InstanceId})
 * @param asyncRequestIds the task IDs ({@code AsyncRequestIds}); at least one; the API documents no maximum
 * @param product the service type ({@code Product}); {@code null} means {@code redis}
 */
public record DescribeProxySessionKillTasksRequest(String instanceId, List<Long> asyncRequestIds, String product) {

    /**
     * Validates the parameters and copies the ID list.
     *
     * @param instanceId the instance ID ({@code InstanceId})
     * @param asyncRequestIds the task IDs ({@code AsyncRequestIds}); at least one; the API documents no maximum
     * @param product the service type ({@code Product}); {@code null} means {@code redis}
     * @throws IllegalArgumentException if {@code instanceId} or {@code product} is blank or {@code asyncRequestIds}
     *     is empty
     * @throws NullPointerException if {@code asyncRequestIds} is or contains {@code null}
     */
    public DescribeProxySessionKillTasksRequest {
        instanceId = Validation.requireText(instanceId, "instanceId");
        Objects.requireNonNull(asyncRequestIds, "asyncRequestIds must not be null");
        for (Long id : asyncRequestIds) {
            Objects.requireNonNull(id, "asyncRequestIds must not contain null");
        }
        if (asyncRequestIds.isEmpty()) {
            throw new IllegalArgumentException("asyncRequestIds must not be empty");
        }
        asyncRequestIds = List.copyOf(asyncRequestIds);
        product = product == null ? CreateProxySessionKillTaskRequest.REDIS : Validation.requireText(product, "product");
    }

    /**
     * A request for some tasks of an instance, product {@code redis}.
     *
     * @param instanceId the instance ID
     * @param asyncRequestIds the task IDs, at least one
     * @return the request
     */
    public static DescribeProxySessionKillTasksRequest of(String instanceId, long... asyncRequestIds) {
        Objects.requireNonNull(asyncRequestIds, "asyncRequestIds must not be null");
        return new DescribeProxySessionKillTasksRequest(instanceId,
                Arrays.stream(asyncRequestIds).boxed().toList(), null);
    }
}
