package dev.dbbrain.reactive;

/**
 * This client refused the work because one of its own limits is reached, instead of queueing it without bound: too
 * many watch subscribers on one client, too many requests waiting for a rate-limiter permit. Nothing was sent, and
 * the client does not retry it: shed the load or raise the limit. Classified {@link ErrorCategory#REJECTED}.
 */
public final class DbbrainCapacityException extends DbbrainException {

    private static final long serialVersionUID = 1L;

    /** The setting that holds the limit. */
    private final String limitName;
    /** The limit that was reached. */
    private final long limit;

    /**
     * Creates a capacity error.
     *
     * @param action the action refused, or {@code null} when the work is not one action (a watch)
     * @param limitName the setting that holds the limit, such as {@code maxWatches}
     * @param limit the limit's value
     * @param message what was refused and why
     */
    public DbbrainCapacityException(String action, String limitName, long limit, String message) {
        super(action, ErrorCategory.REJECTED, message, null);
        this.limitName = limitName;
        this.limit = limit;
    }

    /**
     * Returns the name of the setting that holds the limit, such as {@code maxWatches} or {@code maxQueued}.
     *
     * @return the setting's name
     */
    public String limitName() {
        return limitName;
    }

    /**
     * Returns the limit that was reached.
     *
     * @return the limit
     */
    public long limit() {
        return limit;
    }
}
