package dev.dbbrain.reactive.cli;

import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DbbrainException;
import dev.dbbrain.reactive.DbbrainWatchException;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.internal.JsonOutput;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.core.JsonGenerator;

/**
 * Prints task updates, errors and the summary as text (for people) or JSON lines (one object per line, for
 * scripts), and on a terminal the frames of the live {@link ProgressBoard}. Synchronized: the main thread and the
 * printing thread both use it.
 */
final class Output {

    private final PrintStream out;
    private final PrintStream err;
    private final boolean json;
    private final boolean verbose;
    private final boolean live;
    private int boardLines;

    /** With {@code live}, task changes go to a board redrawn with ANSI escapes: only for a terminal, never JSON. */
    Output(PrintStream out, PrintStream err, boolean json, boolean verbose, boolean live) {
        if (json && live) {
            throw new IllegalArgumentException("the live board is text, not JSON");
        }
        this.out = out;
        this.err = err;
        this.json = json;
        this.verbose = verbose;
        this.live = live;
    }

    boolean live() {
        return live;
    }

    /** Replaces the board drawn last (if any) with these lines. */
    synchronized void redraw(List<String> lines) {
        out.print(ProgressBoard.frame(lines.stream().map(Output::printable).toList(), boardLines));
        out.flush();
        boardLines = lines.size();
    }

    synchronized void task(TaskInfo t) {
        if (json) {
            out.println(JsonOutput.string(g -> {
                g.writeStartObject();
                g.writeStringProperty("type", "task");
                g.writeStringProperty("instanceId", t.instanceId());
                g.writeNumberProperty("asyncRequestId", t.asyncRequestId());
                g.writeStringProperty("status", t.status());
                g.writeBooleanProperty("terminal", t.isTerminal());
                g.writeNumberProperty("progress", t.progress());
                g.writeNumberProperty("instProxyCount", t.instProxyCount());
                strings(g, "instProxyList", t.instProxyList());
                strings(g, "finishedProxyList", t.finishedProxyList());
                strings(g, "failedProxyList", t.failedProxyList());
                time(g, "createTime", t.createTime());
                time(g, "startTime", t.startTime());
                time(g, "endTime", t.endTime());
                g.writeEndObject();
            }));
        } else {
            out.println(printable(String.format("%-14s task %-10d %-9s %3d%%  proxies finished %d/%d, failed %d",
                    t.instanceId(), t.asyncRequestId(), t.status(), t.progress(), t.finishedProxyList().size(),
                    t.instProxyCount(), t.failedProxyList().size())));
        }
        out.flush();
    }

    private static void strings(JsonGenerator g, String field, List<String> values) {
        g.writeArrayPropertyStart(field);
        values.forEach(g::writeString);
        g.writeEndArray();
    }

    private static void time(JsonGenerator g, String field, Optional<Instant> time) {
        g.writeStringProperty(field, time.map(Instant::toString).orElse(null));
    }

    /** The short name of a failure: the service's error code, or one made from the exception's kind. */
    static String code(Throwable e) {
        if (e instanceof DbbrainApiException api) {
            return api.code();
        }
        if (e instanceof DbbrainWatchException w) {
            // WatchDeadline, WatchNotFound, WatchTaskFailed, WatchPollFailed
            StringBuilder b = new StringBuilder("Watch");
            for (String word : w.reason().name().split("_")) {
                b.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
            }
            return b.toString();
        }
        if (e instanceof DbbrainException) {
            return e.getClass().getSimpleName().replace("Dbbrain", "").replace("Exception", "Error");
        }
        return e.getClass().getSimpleName();
    }

    synchronized void error(String context, Throwable e) {
        String requestId = e instanceof DbbrainException d ? d.requestId() : null;
        String action = e instanceof DbbrainException d ? d.action() : null;
        String message = e instanceof DbbrainApiException api ? api.errorMessage() : e.getMessage();
        write(context, code(e), message, requestId, action, e instanceof DbbrainWatchException w ? w : null);
        if (verbose) {
            printStackTrace(e, err);
        }
    }

    /**
     * Prints a stack trace line by line through {@link #printable(String)}: its messages come from the server too,
     * and {@link Throwable#printStackTrace()} would pass their escape sequences to the terminal raw. The tab that
     * indents Java's own frame lines is kept.
     */
    static void printStackTrace(Throwable e, PrintStream to) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        trace.toString().lines().forEach(line -> to.println(line.startsWith("\t")
                ? "\t" + printable(line.substring(1)) : printable(line)));
        to.flush();
    }

    /**
     * A task that a Describe answer did not list: the CLI's own finding (code {@code TaskNotReported}, like the
     * {@code Watch…} codes), not an error code of the service.
     */
    synchronized void notReported(String instance, long taskId, String requestId) {
        write(instance, "TaskNotReported", "the service reported no task " + taskId + " on instance " + instance,
                requestId, "DescribeProxySessionKillTasks", null);
    }

    private void write(String context, String code, String message, String requestId, String action,
            DbbrainWatchException watch) {
        if (json) {
            out.println(JsonOutput.string(g -> {
                g.writeStartObject();
                g.writeObjectPropertyStart("error");
                g.writeStringProperty("code", code);
                g.writeStringProperty("message", message);
                g.writeStringProperty("requestId", requestId);
                g.writeStringProperty("action", action);
                if (context != null) {
                    g.writeStringProperty("context", context);
                }
                if (watch != null) {
                    g.writeStringProperty("reason", watch.reason().name());
                    g.writeNumberProperty("asyncRequestId", watch.asyncRequestId());
                    g.writeStringProperty("lastStatus", watch.lastSeen().map(TaskInfo::status).orElse(null));
                }
                g.writeEndObject();
                g.writeEndObject();
            }));
            out.flush();
        } else {
            err.println(printable("error: " + (context == null ? "" : context + ": ") + code + ": " + message
                    + (requestId == null || requestId.isEmpty() ? "" : " (RequestId " + requestId + ")")));
        }
    }

    /**
     * The text with control characters (C0, DEL, C1) shown as {@code ?}: codes and messages come from the server,
     * and an escape sequence in them must not move the cursor, clear the screen or retitle the terminal.
     */
    static String printable(String text) {
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                if (b == null) {
                    b = new StringBuilder(text.length()).append(text, 0, i);
                }
                b.append('?');
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? text : b.toString();
    }

    synchronized void summary(Summary summary) {
        if (json) {
            out.println(JsonOutput.string(g -> {
                g.writeStartObject();
                g.writeObjectPropertyStart("summary");
                g.writeNumberProperty("tasks", summary.tasks());
                g.writeNumberProperty("finished", summary.finished());
                g.writeNumberProperty("failed", summary.failed());
                g.writeNumberProperty("errors", summary.errors());
                g.writeNumberProperty("requests", summary.requests());
                g.writeNumberProperty("throttled", summary.throttled());
                g.writeNumberProperty("retries", summary.retries());
                g.writeNumberProperty("limiterWaitMs", summary.limiterWait().toMillis());
                g.writeNumberProperty("elapsedMs", summary.elapsed().toMillis());
                g.writeEndObject();
                g.writeEndObject();
            }));
        } else {
            out.println(summary.text());
        }
        out.flush();
    }

    synchronized void info(String line) {
        if (json) {
            err.println(line);
        } else {
            out.println(line);
            out.flush();
        }
    }
}
