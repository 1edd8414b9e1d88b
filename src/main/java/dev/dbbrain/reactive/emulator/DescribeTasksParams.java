package dev.dbbrain.reactive.emulator;

import java.util.List;
import java.util.Set;

/**
 * The body of {@code DescribeProxySessionKillTasks}, checked for presence and type.
 *
 * @param instanceId the {@code InstanceId}
 * @param product the {@code Product}
 * @param asyncRequestIds the {@code AsyncRequestIds}, as sent (possibly with duplicates)
 */
record DescribeTasksParams(String instanceId, String product, List<Long> asyncRequestIds) {

    private static final Set<String> FIELDS = Set.of("InstanceId", "Product", "AsyncRequestIds");

    DescribeTasksParams {
        asyncRequestIds = List.copyOf(asyncRequestIds);
    }

    static DescribeTasksParams from(CallParameters body) {
        body.allowOnly(FIELDS);
        return new DescribeTasksParams(body.requiredString("InstanceId"), body.requiredString("Product"),
                body.requiredLongArray("AsyncRequestIds"));
    }
}
