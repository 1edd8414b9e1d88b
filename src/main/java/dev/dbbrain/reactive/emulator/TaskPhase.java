package dev.dbbrain.reactive.emulator;

import dev.dbbrain.reactive.TaskInfo;
import java.util.Locale;

/** The documented values of {@code TaskInfo.TaskStatus}, in the order a task goes through them. */
enum TaskPhase {
    CREATED, CHOSEN, RUNNING, FAILED, FINISHED;

    /** The value as the API writes it, such as {@code running}. */
    String apiValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean terminal() {
        return this == FAILED || this == FINISHED;
    }
}
