package dev.dbbrain.reactive.emulator;

import java.util.Optional;

/**
 * The API actions the emulator serves, by their {@code X-TC-Action} name, with the service that signs them and
 * the version they need. STS {@code AssumeRole} lives on its own host in the real cloud; the emulator answers it on
 * the same endpoint, so one server can hand out temporary credentials and accept them.
 */
enum Action {
    CREATE("CreateProxySessionKillTask", "dbbrain", "2021-05-27"),
    DESCRIBE("DescribeProxySessionKillTasks", "dbbrain", "2021-05-27"),
    ASSUME_ROLE("AssumeRole", "sts", "2018-08-13");

    private final String apiName;
    private final String service;
    private final String version;

    Action(String apiName, String service, String version) {
        this.apiName = apiName;
        this.service = service;
        this.version = version;
    }

    String apiName() {
        return apiName;
    }

    /** The service name of the credential scope, such as {@code dbbrain}. */
    String service() {
        return service;
    }

    /** The {@code X-TC-Version} the action needs. */
    String version() {
        return version;
    }

    /** Every action's API name, for messages. */
    static java.util.List<String> apiNames() {
        return java.util.Arrays.stream(values()).map(Action::apiName).toList();
    }

    /** The action with this exact (case-sensitive, like the service) name, if any. */
    static Optional<Action> byApiName(String name) {
        for (Action action : values()) {
            if (action.apiName.equals(name)) {
                return Optional.of(action);
            }
        }
        return Optional.empty();
    }
}
