package dev.dbbrain.reactive;

/** The two API actions this client speaks, with the facts that differ between them. */
enum ApiAction {
    CREATE("CreateProxySessionKillTask", false),
    DESCRIBE("DescribeProxySessionKillTasks", true);

    /** The service name used in the credential scope. */
    static final String SERVICE = "dbbrain";
    /** The API version sent as {@code X-TC-Version}. */
    static final String VERSION = "2021-05-27";

    private final String actionName;
    private final boolean idempotent;

    ApiAction(String actionName, boolean idempotent) {
        this.actionName = actionName;
        this.idempotent = idempotent;
    }

    /** The {@code X-TC-Action} value. */
    String actionName() {
        return actionName;
    }

    /** Whether repeating the call has no further effect (Describe is read-only; Create makes a new task each time). */
    boolean idempotent() {
        return idempotent;
    }
}
