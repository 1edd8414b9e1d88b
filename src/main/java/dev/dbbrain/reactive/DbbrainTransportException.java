package dev.dbbrain.reactive;

/**
 * No complete answer arrived: connection refused or reset, TLS failure, connect or response timeout. The original
 * exception is kept as the cause. Classified {@link ErrorCategory#TRANSIENT}.
 *
 * <p>For CreateProxySessionKillTask a transport failure does not say whether the task was created unless
 * {@link #requestSent()} is {@code false}: the request may have reached the service before the connection broke.
 */
public final class DbbrainTransportException extends DbbrainException {

    private static final long serialVersionUID = 1L;

    /** Whether the request may have left this client. */
    private final boolean requestSent;

    /**
     * Creates a transport error.
     *
     * @param action the action that failed
     * @param message what happened
     * @param cause the I/O or timeout exception
     */
    public DbbrainTransportException(String action, String message, Throwable cause) {
        this(action, message, true, cause);
    }

    /**
     * Creates a transport error, saying whether the request may have left this client.
     *
     * @param action the action that failed
     * @param message what happened
     * @param requestSent {@code false} only when the request certainly was not sent
     * @param cause the I/O or timeout exception
     */
    public DbbrainTransportException(String action, String message, boolean requestSent, Throwable cause) {
        super(action, ErrorCategory.TRANSIENT, action + " failed: " + message, cause);
        this.requestSent = requestSent;
    }

    /**
     * Returns whether the request may have reached the service. {@code false} only when it certainly did not: no
     * connection was made (refused, connect timeout, unknown host, TLS handshake failure, no pooled connection
     * free in time). Only then is a CreateProxySessionKillTask safe to send again.
     *
     * @return {@code false} when the request certainly never left this client
     */
    public boolean requestSent() {
        return requestSent;
    }
}
