package dev.dbbrain.reactive;

/**
 * The service's answer could not be read: not JSON, no {@code Response} object, cut short, wrong field types, or
 * larger than the client's maximum response size. Classified {@link ErrorCategory#TRANSIENT}, since answers are
 * garbled on the way far more often than the service changes its format.
 */
public final class DbbrainDecodingException extends DbbrainException {

    private static final long serialVersionUID = 1L;

    /** The service's RequestId if it could be read, or null. */
    private final String requestId;

    /**
     * Creates a decoding error.
     *
     * @param action the action whose answer could not be read
     * @param message what was wrong, without echoing the body
     * @param requestId the {@code RequestId} if it could be read, else {@code null}
     * @param cause the parser's exception, or {@code null}
     */
    public DbbrainDecodingException(String action, String message, String requestId, Throwable cause) {
        super(action, ErrorCategory.TRANSIENT, action + ": unreadable response: " + message
                + (requestId == null ? "" : " (RequestId " + requestId + ")"), cause);
        this.requestId = requestId;
    }

    @Override
    public String requestId() {
        return requestId;
    }
}
