package dev.dbbrain.reactive;

/** The two API actions this client speaks. */
enum ApiAction {
    CREATE("CreateProxySessionKillTask"),
    DESCRIBE("DescribeProxySessionKillTasks");

    /** The service name used in the credential scope. */
    static final String SERVICE = "dbbrain";
    /** The API version sent as {@code X-TC-Version}. */
    static final String VERSION = "2021-05-27";

    private final String actionName;

    ApiAction(String actionName) {
        this.actionName = actionName;
    }

    /** The {@code X-TC-Action} value. */
    String actionName() {
        return actionName;
    }
}
