package dev.dbbrain.reactive.emulator;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.function.UnaryOperator;

/**
 * The common parameters of a call, taken from the {@code X-TC-*} headers (TC3) or from the request's parameters
 * (signature v1), and checked in the service's order: action, then version (the action's own: STS has another),
 * then timestamp.
 */
record ApiCall(Action action, long timestamp) {

    static final String ACTION_HEADER = "X-TC-Action";
    static final String VERSION_HEADER = "X-TC-Version";
    static final String TIMESTAMP_HEADER = "X-TC-Timestamp";

    /** The common parameters of a TC3 request, from its {@code X-TC-Action}, {@code -Version}, {@code -Timestamp}. */
    static ApiCall from(HttpHeaders headers) {
        return parse(name -> headers.get("X-TC-" + name), true);
    }

    /** The common parameters of a v1 request, from its {@code Action}, {@code Version}, {@code Timestamp}. */
    static ApiCall from(FormParameters parameters) {
        return parse(parameters::get, false);
    }

    private static ApiCall parse(UnaryOperator<String> source, boolean headers) {
        String actionName = required(source, "Action", headers);
        Action action = Action.byApiName(actionName).orElseThrow(() -> new ApiFailure("InvalidAction",
                "The requested action " + ApiFailure.quote(actionName) + " does not exist for service `dbbrain`."));
        String version = required(source, "Version", headers);
        if (!action.version().equals(version)) {
            throw new ApiFailure("NoSuchVersion", "The requested version " + ApiFailure.quote(version)
                    + " of service `" + action.service() + "` does not exist; use `" + action.version() + "`.");
        }
        String timestamp = required(source, "Timestamp", headers);
        try {
            return new ApiCall(action, Long.parseLong(timestamp));
        } catch (NumberFormatException e) {
            throw ApiFailure.invalidParameter("The parameter `Timestamp` must be an integer number of seconds, got "
                    + ApiFailure.quote(timestamp) + ".");
        }
    }

    private static String required(UnaryOperator<String> source, String parameter, boolean header) {
        String value = source.apply(parameter);
        if (value == null || value.isEmpty()) {
            throw new ApiFailure("MissingParameter", "The request is missing a required parameter `" + parameter
                    + (header ? "` (header X-TC-" + parameter + ")." : "`."));
        }
        return value;
    }
}
