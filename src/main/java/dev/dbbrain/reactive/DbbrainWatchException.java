package dev.dbbrain.reactive;

import java.util.Optional;

/**
 * A watch ended without the task's terminal state: deadline passed, task never seen, task failed (when asked to
 * treat that as an error), polling failed for good, or the client was closed. Carries the last state seen, when
 * there was one.
 *
 * <p>For {@link Reason#POLL_FAILED} the cause is the last {@link DbbrainException} of the poll, already retried as far
 * as the client's retry budget allows; {@link #category()} and {@link #requestId()} are the cause's.
 */
public final class DbbrainWatchException extends DbbrainException {

    private static final long serialVersionUID = 1L;

    /** Why the watch ended. */
    public enum Reason {
        /** The watch's deadline passed before the task ended. */
        DEADLINE,
        /** The service did not report the task within the not-found grace period. */
        NOT_FOUND,
        /** The task ended {@code failed} and the watch was told to treat that as an error. */
        TASK_FAILED,
        /** Polling failed with an error that is not retryable, or retries were exhausted. */
        POLL_FAILED,
        /** The client was {@linkplain DbbrainClient#close() closed} while the watch was running. */
        CLIENT_CLOSED
    }

    /** Why the watch ended. */
    private final Reason reason;
    /** The instance watched. */
    private final String instanceId;
    /** The task watched. */
    private final long asyncRequestId;
    /** The last state seen, or null. */
    private final transient TaskInfo lastSeen;

    /**
     * Creates a watch error.
     *
     * @param reason why the watch ended
     * @param instanceId the instance watched
     * @param asyncRequestId the task watched
     * @param lastSeen the last state seen, or {@code null}
     * @param message what happened
     * @param cause the poll failure for {@link Reason#POLL_FAILED}, otherwise {@code null}
     */
    public DbbrainWatchException(Reason reason, String instanceId, long asyncRequestId, TaskInfo lastSeen,
            String message, DbbrainException cause) {
        super(ApiAction.DESCRIBE.actionName(), cause != null ? cause.category() : ErrorCategory.OTHER,
                "watch of task " + asyncRequestId + " on " + instanceId + " ended: " + message
                        + (lastSeen == null ? "; no state seen" : "; last state " + lastSeen.status()
                        + ", progress " + lastSeen.progress()), cause);
        this.reason = reason;
        this.instanceId = instanceId;
        this.asyncRequestId = asyncRequestId;
        this.lastSeen = lastSeen;
    }

    /**
     * Returns why the watch ended.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }

    /**
     * Returns the instance watched.
     *
     * @return the instance ID
     */
    public String instanceId() {
        return instanceId;
    }

    /**
     * Returns the task watched.
     *
     * @return the {@code AsyncRequestId}
     */
    public long asyncRequestId() {
        return asyncRequestId;
    }

    /**
     * Returns the last state of the task seen by the watch's poll loop.
     *
     * @return the state, or empty when the task was never seen
     */
    public Optional<TaskInfo> lastSeen() {
        return Optional.ofNullable(lastSeen);
    }

    @Override
    public String requestId() {
        return getCause() instanceof DbbrainException e ? e.requestId() : null;
    }
}
