package dev.dbbrain.reactive.emulator;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * The common parameters of a call, taken from the {@code X-TC-*} headers and checked in the service's order:
 * action, then version (the action's own: STS has another), then timestamp.
 */
record ApiCall(Action action, long timestamp) {

    static final String ACTION_HEADER = "X-TC-Action";
    static final String VERSION_HEADER = "X-TC-Version";
    static final String TIMESTAMP_HEADER = "X-TC-Timestamp";

    static ApiCall from(HttpHeaders headers) {
        String actionName = required(headers, ACTION_HEADER, "Action");
        Action action = Action.byApiName(actionName).orElseThrow(() -> new ApiFailure("InvalidAction",
                "The requested action " + ApiFailure.quote(actionName) + " does not exist for service `dbbrain`."));
        String version = required(headers, VERSION_HEADER, "Version");
        if (!action.version().equals(version)) {
            throw new ApiFailure("NoSuchVersion", "The requested version " + ApiFailure.quote(version)
                    + " of service `" + action.service() + "` does not exist; use `" + action.version() + "`.");
        }
        String timestamp = required(headers, TIMESTAMP_HEADER, "Timestamp");
        try {
            return new ApiCall(action, Long.parseLong(timestamp));
        } catch (NumberFormatException e) {
            throw ApiFailure.invalidParameter("The parameter `Timestamp` must be an integer number of seconds, got "
                    + ApiFailure.quote(timestamp) + ".");
        }
    }

    private static String required(HttpHeaders headers, String header, String parameter) {
        String value = headers.get(header);
        if (value == null || value.isEmpty()) {
            throw new ApiFailure("MissingParameter", "The request is missing a required parameter `" + parameter
                    + "` (header " + header + ").");
        }
        return value;
    }
}
