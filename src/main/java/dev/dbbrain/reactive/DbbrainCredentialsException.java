package dev.dbbrain.reactive;

/**
 * No usable credentials: none found where the provider looked, or what it found is malformed. The message names
 * every place that was looked at, never a secret. Classified {@link ErrorCategory#AUTH}.
 */
public final class DbbrainCredentialsException extends DbbrainException {

    private static final long serialVersionUID = 1L;

    private final transient boolean notFound;

    /**
     * Creates a credentials error.
     *
     * @param message what was looked at and what was wrong
     */
    public DbbrainCredentialsException(String message) {
        this(message, false, null);
    }

    DbbrainCredentialsException(String message, boolean notFound, Throwable cause) {
        super(null, ErrorCategory.AUTH, message, cause);
        this.notFound = notFound;
    }

    /** Whether the provider found nothing at all (a chain then tries the next provider). */
    boolean notFound() {
        return notFound;
    }
}
