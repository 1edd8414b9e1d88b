package dev.dbbrain.reactive.emulator;

import java.util.Optional;

/** The two API actions the emulator serves, by their {@code X-TC-Action} name. */
enum Action {
    CREATE("CreateProxySessionKillTask"),
    DESCRIBE("DescribeProxySessionKillTasks");

    private final String apiName;

    Action(String apiName) {
        this.apiName = apiName;
    }

    String apiName() {
        return apiName;
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
