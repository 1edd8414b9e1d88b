package dev.dbbrain.reactive;

import java.util.Locale;

/**
 * The status of a proxy session-kill task, as reported in {@code TaskInfo.TaskStatus}.
 *
 * <p>Completion is decided by the status alone, never by the progress figure: {@link #FINISHED} and
 * {@link #FAILED} are terminal. A status string this library does not know maps to {@link #UNKNOWN}; the string
 * stays available in {@link TaskInfo#status()}.
 */
public enum TaskStatus {
    /** The task was created ({@code created}). */
    CREATED("created"),
    /** The task was chosen for execution ({@code chosen}). */
    CHOSEN("chosen"),
    /** The task is killing sessions ({@code running}). */
    RUNNING("running"),
    /** The task ended and at least one proxy failed ({@code failed}); terminal. */
    FAILED("failed"),
    /** The task ended successfully ({@code finished}); terminal. */
    FINISHED("finished"),
    /** A status string this version of the library does not know; not terminal. */
    UNKNOWN("");

    private final String wireValue;

    TaskStatus(String wireValue) {
        this.wireValue = wireValue;
    }

    /**
     * Returns whether the task has ended; a terminal status never changes again.
     *
     * @return {@code true} for {@link #FINISHED} and {@link #FAILED}
     */
    public boolean isTerminal() {
        return this == FINISHED || this == FAILED;
    }

    /**
     * Returns the string the API uses for this status ({@code ""} for {@link #UNKNOWN}).
     *
     * @return the wire value, lower case
     */
    public String wireValue() {
        return wireValue;
    }

    /**
     * Maps an API status string to a status, ignoring case; {@code null} and unknown strings give {@link #UNKNOWN}.
     *
     * @param raw the {@code TaskStatus} string from the API, may be {@code null}
     * @return the matching status, never {@code null}
     */
    public static TaskStatus fromWire(String raw) {
        if (raw == null || raw.isEmpty()) {
            return UNKNOWN;
        }
        for (TaskStatus status : KNOWN) {
            if (status.wireValue.equals(raw)) {
                return status;
            }
        }
        String lower = raw.trim().toLowerCase(Locale.ROOT);
        for (TaskStatus status : KNOWN) {
            if (status.wireValue.equals(lower)) {
                return status;
            }
        }
        return UNKNOWN;
    }

    /** The statuses with a wire value, in a constant array: {@code values()} copies its array at every call. */
    private static final TaskStatus[] KNOWN = {CREATED, CHOSEN, RUNNING, FAILED, FINISHED};
}
