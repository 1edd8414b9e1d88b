package dev.dbbrain.reactive;

/**
 * The call got an HTTP status other than 200, which the API never uses for its own errors: a gateway, proxy or
 * outage answered instead. Carries the status and the start of the body.
 */
public final class DbbrainHttpException extends DbbrainException {

    private static final long serialVersionUID = 1L;

    /** The HTTP status. */
    private final int status;
    /** The start of the body. */
    private final String bodySnippet;

    /**
     * Creates an HTTP error.
     *
     * @param action the action that failed
     * @param status the HTTP status code
     * @param bodySnippet at most the first 512 characters of the body
     */
    public DbbrainHttpException(String action, int status, String bodySnippet) {
        super(action, ErrorCategory.ofHttpStatus(status),
                action + " failed: HTTP " + status + (bodySnippet.isEmpty() ? "" : ": " + bodySnippet), null);
        this.status = status;
        this.bodySnippet = bodySnippet;
    }

    /**
     * Returns the HTTP status code.
     *
     * @return the status, never 200
     */
    public int status() {
        return status;
    }

    /**
     * Returns the start of the response body (at most 512 characters), for diagnosis.
     *
     * @return the snippet, possibly empty
     */
    public String bodySnippet() {
        return bodySnippet;
    }
}
