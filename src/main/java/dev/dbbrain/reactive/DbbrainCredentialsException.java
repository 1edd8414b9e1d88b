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

    /**
     * Creates a credentials error, saying whether the provider found nothing at all: a
     * {@linkplain dev.dbbrain.reactive.auth.CredentialsProvider#chain chain} moves on to its next provider after a
     * "not found" and stops at any other failure. A provider of your own throws this to take part in chains.
     *
     * @param message what was looked at and what was wrong; never a secret
     * @param notFound whether nothing at all was found
     * @param cause the underlying failure, or {@code null}
     */
    public DbbrainCredentialsException(String message, boolean notFound, Throwable cause) {
        super(null, ErrorCategory.AUTH, message, cause);
        this.notFound = notFound;
    }

    /**
     * Returns whether the provider found nothing at all, in which case a chain tries its next provider.
     *
     * @return whether nothing was found
     */
    public boolean notFound() {
        return notFound;
    }
}
