package dev.dbbrain.reactive.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which Redis instances exist: every ID of the form {@code crs-[a-z0-9]{8}}, each with the same number of proxies,
 * named {@code <instanceId>-proxy-1} to {@code -N}. Anything else is answered with {@code ResourceNotFound}.
 */
final class InstanceCatalog {

    private static final Pattern INSTANCE_ID = Pattern.compile("crs-[a-z0-9]{8}");

    private final int proxiesPerInstance;

    InstanceCatalog(int proxiesPerInstance) {
        this.proxiesPerInstance = proxiesPerInstance;
    }

    /** Returns the proxy IDs of an instance, or fails with {@code ResourceNotFound}. */
    List<String> proxiesOf(String instanceId) {
        if (!INSTANCE_ID.matcher(instanceId).matches()) {
            throw new ApiFailure("ResourceNotFound", "The instance " + ApiFailure.quote(instanceId)
                    + " does not exist. Please check the parameter `InstanceId`.");
        }
        return proxyNames(instanceId);
    }

    /** The proxy IDs an instance of this ID has, whether or not it exists. */
    List<String> proxyNames(String instanceId) {
        List<String> proxies = new ArrayList<>(proxiesPerInstance);
        for (int i = 1; i <= proxiesPerInstance; i++) {
            proxies.add(instanceId + "-proxy-" + i);
        }
        return List.copyOf(proxies);
    }
}
