package dev.dbbrain.reactive;

import dev.dbbrain.reactive.internal.Validation;

/**
 * The parameters of CreateProxySessionKillTask: kill all sessions on the proxy nodes of one Redis instance.
 *
 * <pre>{@code
 * client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-abcd1234"))
 * }</pre>
 *
 * @param instanceId the instance ID ({@code InstanceId}), such as {@code crs-abcd1234}
 * @param product the service type ({@code Product}); {@code null} means {@value #REDIS}, the only documented value
 * @param instanceProxyId a proxy ID of the instance ({@code InstanceProxyId}), or {@code null} to leave it out
 */
public record CreateProxySessionKillTaskRequest(String instanceId, String product, String instanceProxyId) {

    /** The only product the API documents. */
    public static final String REDIS = "redis";

    /**
     * Validates the parameters.
     *
     * @param instanceId the instance ID ({@code InstanceId}), such as {@code crs-abcd1234}
     * @param product the service type ({@code Product}); {@code null} means {@value #REDIS}, the only documented value
     * @param instanceProxyId a proxy ID of the instance ({@code InstanceProxyId}), or {@code null} to leave it out
     * @throws IllegalArgumentException if {@code instanceId} or {@code product} is blank, or {@code instanceProxyId}
     *     is present but blank
     */
    public CreateProxySessionKillTaskRequest {
        instanceId = Validation.requireText(instanceId, "instanceId");
        product = product == null ? REDIS : Validation.requireText(product, "product");
        if (instanceProxyId != null) {
            instanceProxyId = Validation.requireText(instanceProxyId, "instanceProxyId");
        }
    }

    /**
     * A request for all proxies of an instance, product {@code redis}.
     *
     * @param instanceId the instance ID
     * @return the request
     */
    public static CreateProxySessionKillTaskRequest of(String instanceId) {
        return new CreateProxySessionKillTaskRequest(instanceId, REDIS, null);
    }

    /**
     * A request naming one proxy of an instance, product {@code redis}.
     *
     * @param instanceId the instance ID
     * @param instanceProxyId the proxy ID
     * @return the request
     */
    public static CreateProxySessionKillTaskRequest of(String instanceId, String instanceProxyId) {
        return new CreateProxySessionKillTaskRequest(instanceId, REDIS,
                Validation.requireText(instanceProxyId, "instanceProxyId"));
    }
}
