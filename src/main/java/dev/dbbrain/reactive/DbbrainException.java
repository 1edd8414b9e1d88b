package dev.dbbrain.reactive;

/**
 * The root of every failure this library signals; reactive methods emit it through {@code onError}, never throw.
 *
 * <p>Subtypes say where the failure happened: {@link DbbrainApiException} (the service answered with an error
 * code), {@link DbbrainHttpException} (a non-200 answer), {@link DbbrainDecodingException} (an answer that could
 * not be read), {@link DbbrainTransportException} (no answer: connection or timeout) and
 * {@link DbbrainCredentialsException} (no usable credentials). {@link #category()} says what to do about it.
 */
public abstract class DbbrainException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The action that failed, or null. */
    private final String action;
    /** What kind of failure this is. */
    private final ErrorCategory category;

    DbbrainException(String action, ErrorCategory category, String message, Throwable cause) {
        super(message, cause);
        this.action = action;
        this.category = category;
    }

    /**
     * Returns the API action that failed, such as {@code DescribeProxySessionKillTasks}.
     *
     * @return the action, or {@code null} when the failure happened before any action was chosen
     */
    public String action() {
        return action;
    }

    /**
     * Returns what kind of failure this is.
     *
     * @return the category, never {@code null}
     */
    public ErrorCategory category() {
        return category;
    }

    /**
     * Returns the service's {@code RequestId} for this call, when the service sent one.
     *
     * @return the request ID, or {@code null}
     */
    public String requestId() {
        return null;
    }

    /**
     * Returns whether retrying an idempotent call may succeed ({@link ErrorCategory#THROTTLED} or
     * {@link ErrorCategory#TRANSIENT}).
     *
     * @return {@code true} for throttling and transient failures
     */
    public boolean isRetryable() {
        return category == ErrorCategory.THROTTLED || category == ErrorCategory.TRANSIENT;
    }
}
