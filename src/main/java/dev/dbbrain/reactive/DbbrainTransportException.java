package dev.dbbrain.reactive;

/**
 * No complete answer arrived: connection refused or reset, TLS failure, connect or response timeout. The original
 * exception is kept as the cause. Classified {@link ErrorCategory#TRANSIENT}.
 *
 * <p>For CreateProxySessionKillTask a transport failure does not say whether the task was created: the request may
 * have reached the service before the connection broke.
 */
public final class DbbrainTransportException extends DbbrainException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates a transport error.
     *
     * @param action the action that failed
     * @param message what happened
     * @param cause the I/O or timeout exception
     */
    public DbbrainTransportException(String action, String message, Throwable cause) {
        super(action, ErrorCategory.TRANSIENT, action + " failed: " + message, cause);
    }
}
