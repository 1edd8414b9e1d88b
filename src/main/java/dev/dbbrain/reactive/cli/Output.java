package dev.dbbrain.reactive.cli;

import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DbbrainException;
import dev.dbbrain.reactive.TaskInfo;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Prints task updates, errors and the summary as text (for people) or JSON lines (one object per line, for
 * scripts). Synchronized: updates of several tasks arrive from several threads.
 */
final class Output {

    private final PrintStream out;
    private final PrintStream err;
    private final boolean json;
    private final boolean verbose;
    private final JsonMapper mapper = JsonMapper.builder().build();

    Output(PrintStream out, PrintStream err, boolean json, boolean verbose) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.verbose = verbose;
    }

    synchronized void task(TaskInfo t) {
        if (json) {
            ObjectNode node = mapper.createObjectNode();
            node.put("type", "task");
            node.put("instanceId", t.instanceId());
            node.put("asyncRequestId", t.asyncRequestId());
            node.put("status", t.rawStatus());
            node.put("terminal", t.isTerminal());
            node.put("progress", t.progress());
            node.put("instProxyCount", t.instProxyCount());
            t.instProxyList().forEach(node.putArray("instProxyList")::add);
            t.finishedProxyList().forEach(node.putArray("finishedProxyList")::add);
            t.failedProxyList().forEach(node.putArray("failedProxyList")::add);
            putTime(node, "createTime", t.createTime());
            putTime(node, "startTime", t.startTime());
            putTime(node, "endTime", t.endTime());
            out.println(mapper.writeValueAsString(node));
        } else {
            out.printf("%-14s task %-10d %-9s %3d%%  proxies finished %d/%d, failed %d%n", t.instanceId(),
                    t.asyncRequestId(), t.rawStatus(), t.progress(), t.finishedProxyList().size(),
                    t.instProxyCount(), t.failedProxyList().size());
        }
        out.flush();
    }

    private static void putTime(ObjectNode node, String field, Optional<Instant> time) {
        if (time.isPresent()) {
            node.put(field, time.get().toString());
        } else {
            node.putNull(field);
        }
    }

    synchronized void created(String instanceId, long asyncRequestId, String requestId) {
        if (!json) {
            out.printf("%-14s task %-10d created (RequestId %s)%n", instanceId, asyncRequestId, requestId);
            out.flush();
        }
    }

    synchronized void error(String context, Throwable e) {
        String code = e instanceof DbbrainApiException api ? api.code()
                : e instanceof DbbrainException ? e.getClass().getSimpleName().replace("Dbbrain", "").replace("Exception", "Error")
                : e.getClass().getSimpleName();
        String requestId = e instanceof DbbrainException d ? d.requestId() : null;
        String action = e instanceof DbbrainException d ? d.action() : null;
        String message = e instanceof DbbrainApiException api ? api.errorMessage() : e.getMessage();
        if (json) {
            ObjectNode node = mapper.createObjectNode();
            ObjectNode error = node.putObject("error");
            error.put("code", code);
            error.put("message", message);
            error.put("requestId", requestId);
            error.put("action", action);
            if (context != null) {
                error.put("context", context);
            }
            out.println(mapper.writeValueAsString(node));
            out.flush();
        } else {
            err.println("error: " + (context == null ? "" : context + ": ") + code + ": " + message
                    + (requestId == null || requestId.isEmpty() ? "" : " (RequestId " + requestId + ")"));
        }
        if (verbose) {
            e.printStackTrace(err);
        }
    }

    synchronized void summary(int tasks, int finished, int failed, int errors) {
        if (json) {
            ObjectNode node = mapper.createObjectNode();
            ObjectNode s = node.putObject("summary");
            s.put("tasks", tasks);
            s.put("finished", finished);
            s.put("failed", failed);
            s.put("errors", errors);
            out.println(mapper.writeValueAsString(node));
        } else {
            out.printf("%d task(s): %d finished, %d failed, %d error(s)%n", tasks, finished, failed, errors);
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
