package dev.dbbrain.reactive;

/**
 * What kind of failure a {@link DbbrainException} is, for retry logic and for people.
 *
 * <p>Only {@link #THROTTLED} and {@link #TRANSIENT} failures are worth retrying, and then only for idempotent calls
 * (DescribeProxySessionKillTasks): CreateProxySessionKillTask is not idempotent, so retrying it after the request
 * may have reached the service can create a second task.
 */
public enum ErrorCategory {
    /** The rate limit was hit ({@code RequestLimitExceeded} and its sub-codes, HTTP 429): wait, then retry. */
    THROTTLED,
    /** The credentials were refused or are missing ({@code AuthFailure*}, {@code UnauthorizedOperation*}). */
    AUTH,
    /** The request itself is wrong ({@code Invalid*}, {@code Missing*}, {@code Unknown*}, {@code ResourceNotFound*}…). */
    INVALID_REQUEST,
    /**
     * A failure that may pass: {@code InternalError}, {@code ServiceUnavailable}, HTTP 5xx, connection failures,
     * timeouts, and answers that were cut short or garbled on the way.
     */
    TRANSIENT,
    /** Anything else the service reported ({@code FailedOperation}, {@code ResourceInUse}, …): not retryable. */
    OTHER,
    /**
     * This client refused the work before sending anything, because a limit of its own was reached (too many
     * watches, too many requests queued for a permit): see {@link DbbrainCapacityException}. Not retried.
     */
    REJECTED;

    /**
     * Classifies a Tencent Cloud error code such as {@code RequestLimitExceeded.UinLimitExceeded}.
     *
     * @param code the {@code Error.Code} value; {@code null} gives {@link #OTHER}
     * @return the category
     */
    public static ErrorCategory ofErrorCode(String code) {
        if (code == null) {
            return OTHER;
        }
        if (code.startsWith("RequestLimitExceeded")) {
            return THROTTLED;
        }
        if (code.startsWith("AuthFailure") || code.startsWith("UnauthorizedOperation")
                || code.startsWith("OperationDenied")) {
            return AUTH;
        }
        if (code.startsWith("Invalid") || code.startsWith("Missing") || code.startsWith("Unknown")
                || code.startsWith("ResourceNotFound") || code.startsWith("NoSuchVersion")
                || code.startsWith("UnsupportedOperation") || code.startsWith("UnsupportedProtocol")
                || code.startsWith("RequestSizeLimitExceeded")) {
            return INVALID_REQUEST;
        }
        if (code.startsWith("InternalError") || code.startsWith("ServiceUnavailable")
                || code.startsWith("ResourceUnavailable")) {
            return TRANSIENT;
        }
        return OTHER;
    }

    /**
     * Classifies an HTTP status other than 200 (a gateway, proxy or outage answer without the API's envelope).
     *
     * @param status the HTTP status code
     * @return the category
     */
    public static ErrorCategory ofHttpStatus(int status) {
        if (status == 429) {
            return THROTTLED;
        }
        if (status >= 500) {
            return TRANSIENT;
        }
        if (status == 401 || status == 403) {
            return AUTH;
        }
        return OTHER;
    }
}
