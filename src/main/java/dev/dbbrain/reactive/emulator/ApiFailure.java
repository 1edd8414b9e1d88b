package dev.dbbrain.reactive.emulator;

/**
 * An error the emulator answers inside the HTTP 200 envelope, with the service's code and a message in the style
 * of the real service. Thrown by the checks and caught once, where the envelope is written; it carries no stack
 * trace because it is an answer, not a bug.
 */
final class ApiFailure extends RuntimeException {

    private final String code;

    ApiFailure(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    String code() {
        return code;
    }

    static ApiFailure missingParameter(String name) {
        return new ApiFailure("MissingParameter", "The request is missing a required parameter `" + name + "`.");
    }

    static ApiFailure invalidParameter(String message) {
        return new ApiFailure("InvalidParameter", message);
    }

    static ApiFailure invalidType(String name, String expected) {
        return invalidParameter("The value type of parameter `" + name + "` is invalid, expected " + expected + ".");
    }

    static ApiFailure unknownParameter(String name) {
        return new ApiFailure("UnknownParameter", "The parameter `" + name + "` is not recognized.");
    }

    static ApiFailure invalidParameterValue(String message) {
        return new ApiFailure("InvalidParameterValue", message);
    }

    static ApiFailure authFailure(String subCode, String message) {
        return new ApiFailure("AuthFailure." + subCode, message);
    }

    static ApiFailure requestLimitExceeded(String action, int limit) {
        return new ApiFailure("RequestLimitExceeded", "Your current request times exceeds the frequency limit `"
                + limit + "` for a second for action `" + action + "`. Please reduce the frequency of calls.");
    }

    /** The error of a throttled request when no particular limit is to blame (an injected fault). */
    static ApiFailure throttled() {
        return new ApiFailure("RequestLimitExceeded",
                "Your current request times exceeds the frequency limit. Please reduce the frequency of calls.");
    }

    static ApiFailure internalError() {
        return new ApiFailure("InternalError", "An internal error occurred. Please try again later.");
    }

    /** Quotes a client-supplied value for a message, cut short so a huge header cannot bloat the answer. */
    static String quote(String value) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return "`" + shown + "`";
    }
}
