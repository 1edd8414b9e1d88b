package dev.dbbrain.reactive.emulator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A test's script for the emulator: answers queued per action, a dispatcher for the rest, and whether a request
 * neither answers is an error (strict) or served as usual. Thread-safe: tests enqueue on their thread while the
 * event loops take answers; each queue's monitor is held for a few deque operations only.
 *
 * <p>A problem with the script (strict mode and nothing scripted, a dispatcher that throws, returns null or an
 * answer for another action) is answered with the error {@value #ERROR_CODE}, whose message says what went wrong,
 * and kept for {@link #errors()} so that the test fails even when the client hides the error.
 */
final class Script {

    static final String ERROR_CODE = "FailedOperation.EmulatorScript";
    /** A runaway client in strict mode must not fill the memory with messages: past this many, they are counted. */
    static final int MAX_ERRORS = 100;

    private final boolean strict;
    private final Map<Action, Deque<EmulatorAnswer>> queues = new EnumMap<>(Action.class);
    private volatile Function<RecordedRequest, EmulatorAnswer> dispatcher;
    private final List<String> errors = new ArrayList<>();
    private long errorCount;

    Script(boolean strict) {
        this.strict = strict;
        for (Action action : Action.values()) {
            queues.put(action, new ArrayDeque<>());
        }
    }

    void enqueue(Action action, Collection<EmulatorAnswer> answers) {
        Deque<EmulatorAnswer> queue = queues.get(action);
        synchronized (queue) {
            queue.addAll(answers);
        }
    }

    void dispatcher(Function<RecordedRequest, EmulatorAnswer> dispatcher) {
        this.dispatcher = dispatcher;
    }

    /**
     * The answer to an authenticated request: the next one queued for its action, else the dispatcher's, else (in
     * strict mode) a script error; null when the request is to be served as usual.
     */
    EmulatorAnswer answer(Action action, RecordedRequest request) {
        Deque<EmulatorAnswer> queue = queues.get(action);
        EmulatorAnswer next;
        synchronized (queue) {
            next = queue.poll();
        }
        if (next != null) {
            return next;
        }
        Function<RecordedRequest, EmulatorAnswer> current = dispatcher;
        if (current != null) {
            return dispatched(current, action, request);
        }
        if (strict) {
            return failure(request, "strict scripting is on and no answer was enqueued for " + action.apiName()
                    + " nor a dispatcher set");
        }
        return null;
    }

    private EmulatorAnswer dispatched(Function<RecordedRequest, EmulatorAnswer> current, Action action,
            RecordedRequest request) {
        EmulatorAnswer answer;
        try {
            answer = current.apply(request);
        } catch (RuntimeException | Error e) {
            return failure(request, "the dispatcher threw " + e);
        }
        if (answer == null) {
            return failure(request, "the dispatcher returned null; return EmulatorAnswer.simulated() to serve a"
                    + " request as usual");
        }
        Action only = answer.onlyFor();
        if (only != null && only != action) {
            return failure(request, "the dispatcher returned " + answer + ", which answers " + only.apiName()
                    + " only");
        }
        return answer;
    }

    private EmulatorAnswer failure(RecordedRequest request, String problem) {
        String message = "The DBbrain emulator's script failed for request #" + request.sequenceNumber() + " ("
                + request.action().orElse("no action") + "): " + problem + ".";
        synchronized (errors) {
            errorCount++;
            if (errors.size() < MAX_ERRORS) {
                errors.add(message);
            }
        }
        return EmulatorAnswer.error(ERROR_CODE, message);
    }

    /** The script errors since the start or the last reset, the first {@value #MAX_ERRORS} of them. */
    List<String> errors() {
        synchronized (errors) {
            List<String> copy = new ArrayList<>(errors);
            if (errorCount > errors.size()) {
                copy.add("... and " + (errorCount - errors.size()) + " more");
            }
            return List.copyOf(copy);
        }
    }

    /** Forgets every queued answer, the dispatcher and the errors. */
    void reset() {
        for (Deque<EmulatorAnswer> queue : queues.values()) {
            synchronized (queue) {
                queue.clear();
            }
        }
        dispatcher = null;
        synchronized (errors) {
            errors.clear();
            errorCount = 0;
        }
    }
}
