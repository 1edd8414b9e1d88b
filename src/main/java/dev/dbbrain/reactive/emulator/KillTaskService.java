package dev.dbbrain.reactive.emulator;

import java.util.List;
import tools.jackson.core.JsonGenerator;

/**
 * The two actions proper, once a request is authenticated, admitted and its body well-formed: the value checks
 * (Product, instance, proxy, ID count) and the response fields.
 */
final class KillTaskService {

    private final InstanceCatalog instances;
    private final TaskBook tasks;
    private final TaskInfoJson taskInfo;
    private final int maxAsyncRequestIds;

    KillTaskService(InstanceCatalog instances, TaskBook tasks, TaskInfoJson taskInfo, int maxAsyncRequestIds) {
        this.instances = instances;
        this.tasks = tasks;
        this.taskInfo = taskInfo;
        this.maxAsyncRequestIds = maxAsyncRequestIds;
    }

    /** {@code CreateProxySessionKillTask}: {@code {"AsyncRequestId": <new id>}}. */
    Created create(CreateTaskParams params, long now) {
        checkProduct(params.product());
        List<String> proxies = instances.proxiesOf(params.instanceId());
        String proxyId = params.instanceProxyId();
        if (proxyId != null && !proxies.contains(proxyId)) {
            throw ApiFailure.invalidParameterValue("The parameter `InstanceProxyId` " + ApiFailure.quote(proxyId)
                    + " is not a proxy of instance `" + params.instanceId() + "`.");
        }
        KillTask task = tasks.create(params.instanceId(), proxies, proxyId, now);
        return new Created(task.asyncRequestId());
    }

    /** {@code DescribeProxySessionKillTasks}: the asked-for tasks of that instance and their count. */
    Envelopes.Fields describe(DescribeTasksParams params, long now) {
        checkProduct(params.product());
        if (maxAsyncRequestIds > 0 && params.asyncRequestIds().size() > maxAsyncRequestIds) {
            throw ApiFailure.invalidParameterValue("The parameter `AsyncRequestIds` has "
                    + params.asyncRequestIds().size() + " elements, more than the maximum of "
                    + maxAsyncRequestIds + ".");
        }
        instances.proxiesOf(params.instanceId());
        List<KillTask.Snapshot> found = tasks.find(params.instanceId(), params.asyncRequestIds()).stream()
                .map(task -> task.at(now)).toList();
        return json -> {
            json.writeArrayPropertyStart("Tasks");
            found.forEach(state -> taskInfo.write(state, json));
            json.writeEndArray();
            json.writeNumberProperty("TotalCount", found.size());
        };
    }

    /** The answer of a Create: the new task's ID. */
    record Created(long asyncRequestId) implements Envelopes.Fields {
        @Override
        public void write(JsonGenerator json) {
            json.writeNumberProperty("AsyncRequestId", asyncRequestId);
        }
    }

    private static void checkProduct(String product) {
        if (!"redis".equals(product)) {
            throw ApiFailure.invalidParameterValue("The parameter `Product` " + ApiFailure.quote(product)
                    + " is invalid; the only valid value is `redis`.");
        }
    }
}
