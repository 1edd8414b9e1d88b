package dev.dbbrain.reactive.emulator;

import java.util.Set;

/**
 * The body of {@code CreateProxySessionKillTask}, checked for presence and type.
 *
 * @param instanceId the {@code InstanceId}
 * @param product the {@code Product}
 * @param instanceProxyId the optional {@code InstanceProxyId}, or null
 */
record CreateTaskParams(String instanceId, String product, String instanceProxyId) {

    private static final Set<String> FIELDS = Set.of("InstanceId", "Product", "InstanceProxyId");

    static CreateTaskParams from(CallParameters body) {
        body.allowOnly(FIELDS);
        return new CreateTaskParams(body.requiredString("InstanceId"), body.requiredString("Product"),
                body.optionalString("InstanceProxyId"));
    }
}
