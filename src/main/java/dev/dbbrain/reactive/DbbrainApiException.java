package dev.dbbrain.reactive;

/**
 * The service refused a call: HTTP 200 with {@code Response.Error} in the body.
 *
 * <p>Example: {@code code()} {@code AuthFailure.SignatureFailure}, {@code category()} {@link ErrorCategory#AUTH}.
 */
public final class DbbrainApiException extends DbbrainException {

    private static final long serialVersionUID = 1L;

    /** The Tencent Cloud error code. */
    private final String errorCode;
    /** The service's message. */
    private final String errorMessage;
    /** The service's RequestId, or null. */
    private final String requestId;

    /**
     * Creates an API error.
     *
     * @param action the action that failed
     * @param errorCode the {@code Error.Code} value
     * @param errorMessage the {@code Error.Message} value, may be empty
     * @param requestId the {@code RequestId}, or {@code null} when absent
     */
    public DbbrainApiException(String action, String errorCode, String errorMessage, String requestId) {
        super(action, ErrorCategory.ofErrorCode(errorCode),
                action + " failed: " + errorCode + ": " + errorMessage + " (RequestId " + requestId + ")", null);
        this.errorCode = errorCode;
        this.errorMessage = errorMessage;
        this.requestId = requestId;
    }

    /**
     * Returns the Tencent Cloud error code, such as {@code RequestLimitExceeded}.
     *
     * @return the code
     */
    public String code() {
        return errorCode;
    }

    /**
     * Returns the service's message for the error.
     *
     * @return the message, possibly empty
     */
    public String errorMessage() {
        return errorMessage;
    }

    @Override
    public String requestId() {
        return requestId;
    }
}
