package dev.dbbrain.reactive.emulator;

import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One answer a test scripts for a {@link DbbrainEmulator}: the envelope, HTTP status or connection behaviour that a
 * request gets instead of what the emulator would decide on its own. Queue answers per action with
 * {@link DbbrainEmulator#enqueue(String, EmulatorAnswer...)} or return them from a
 * {@link DbbrainEmulator#dispatcher(java.util.function.Function) dispatcher}.
 *
 * <pre>{@code
 * emulator.enqueue("DescribeProxySessionKillTasks",
 *         EmulatorAnswer.error("ResourceNotFound.InstanceNotFoundError", "The instance does not exist."),
 *         EmulatorAnswer.httpStatus(502),
 *         EmulatorAnswer.taskState(TaskStatus.RUNNING, 30).delayed(Duration.ofMillis(200)),
 *         EmulatorAnswer.taskState(TaskStatus.FINISHED, 100));
 * }</pre>
 *
 * <p>Immutable and thread-safe: the modifiers ({@link #delayed}, {@link #trickled}, {@link #withRequestId},
 * {@link #disconnectAtEnd}) return a new answer. Every factory and modifier checks its arguments at once and throws
 * {@link IllegalArgumentException} naming the one that is wrong, or {@link IllegalStateException} when a modifier
 * does not apply to the kind of answer (a {@link #reset()} has no body to trickle).
 *
 * <p>A scripted answer only ever answers a request that passed the emulator's authentication (common parameters,
 * signature, timestamp, token, Content-Type), as the real service checks those first; a request that fails them
 * gets the service's error and leaves the script as it was. The answer then replaces everything after
 * authentication: the rate limit, the checks of the action's fields and the action itself. It changes no state: a
 * scripted {@link #created(long) Create} creates no task, and the real tasks go on as the clock says.
 */
public final class EmulatorAnswer {

    /** The most a {@link #delayed delay} or a {@link #trickled trickle} interval may be. */
    private static final Duration MAX_WAIT = Duration.ofDays(1);

    /** What the answer is, before the modifiers. */
    enum Kind {
        /** What the emulator would answer on its own. */
        SIMULATED,
        /** HTTP 200 with an error envelope. */
        ERROR,
        /** HTTP 200 with a Create's success envelope. */
        CREATED,
        /** HTTP 200 with a Describe's success envelope, every asked task in one state. */
        TASK_STATE,
        /** HTTP 200 with a Describe's success envelope holding the given tasks. */
        TASKS,
        /** Any status, the emulator's usual headers, a given body (possibly empty). */
        HTTP_STATUS,
        /** Any status, exactly the given headers and body. */
        RAW,
        /** The connection is reset. */
        RESET,
        /** The connection is closed. */
        DISCONNECT,
        /** Nothing is ever sent. */
        NO_ANSWER
    }

    private final Kind kind;
    private final String errorCode;
    private final String errorMessage;
    private final long asyncRequestId;
    private final TaskStatus taskStatus;
    private final int progress;
    private final List<TaskInfo> tasks;
    private final int status;
    /** For {@link Kind#HTTP_STATUS} the Content-Type only (or none); for {@link Kind#RAW} every header. */
    private final Map<String, String> headers;
    private final byte[] body;
    private final String requestId;
    private final Duration delay;
    private final int trickleBytes;
    private final Duration trickleInterval;
    private final boolean disconnectAtEnd;

    private EmulatorAnswer(Builder b) {
        this.kind = b.kind;
        this.errorCode = b.errorCode;
        this.errorMessage = b.errorMessage;
        this.asyncRequestId = b.asyncRequestId;
        this.taskStatus = b.taskStatus;
        this.progress = b.progress;
        this.tasks = b.tasks;
        this.status = b.status;
        this.headers = b.headers;
        this.body = b.body;
        this.requestId = b.requestId;
        this.delay = b.delay;
        this.trickleBytes = b.trickleBytes;
        this.trickleInterval = b.trickleInterval;
        this.disconnectAtEnd = b.disconnectAtEnd;
    }

    /**
     * Answers as the emulator would without a script (checks, rate limit, tasks, injected faults): for a place in
     * a queue that should stay ordinary, such as a slow real answer with {@code simulated().delayed(...)}, or for a
     * dispatcher that only intervenes sometimes.
     *
     * @return the answer
     */
    public static EmulatorAnswer simulated() {
        return new Builder(Kind.SIMULATED).build();
    }

    /**
     * Answers HTTP 200 with the service's error envelope
     * {@code {"Response":{"Error":{"Code":..,"Message":..},"RequestId":..}}}, with a new random RequestId unless
     * {@link #withRequestId(String)} fixes one.
     *
     * @param code the error code, such as {@code ResourceNotFound.InstanceNotFoundError}
     * @param message the message, possibly empty
     * @return the answer
     */
    public static EmulatorAnswer error(String code, String message) {
        Builder b = new Builder(Kind.ERROR);
        b.errorCode = text(code, "code");
        b.errorMessage = notNull(message, "message");
        return b.build();
    }

    /**
     * Answers a {@code CreateProxySessionKillTask} with success and this {@code AsyncRequestId}. No task is
     * created: a later unscripted Describe of this ID finds nothing.
     *
     * @param asyncRequestId the task ID to answer, positive
     * @return the answer, for {@code CreateProxySessionKillTask} only
     */
    public static EmulatorAnswer created(long asyncRequestId) {
        if (asyncRequestId <= 0) {
            throw new IllegalArgumentException("asyncRequestId must be positive, got " + asyncRequestId);
        }
        Builder b = new Builder(Kind.CREATED);
        b.asyncRequestId = asyncRequestId;
        return b.build();
    }

    /**
     * Answers a {@code DescribeProxySessionKillTasks} with success and, for every ID it asks for (each once, in
     * the order asked), a {@code TaskInfo} of the asked instance in this state. One step of a sequence such as
     * {@code taskState(RUNNING, 30)}, {@code taskState(RUNNING, 70)}, {@code taskState(FINISHED, 100)}.
     *
     * <p>The proxies and creation time are those of the emulator's task with that ID when it has one (for that
     * instance); otherwise the instance has the builder's number of proxies, named as for the emulator's own
     * instances, and the task was created now. Of the proxies, {@code progress} percent (rounded down) are in
     * {@code FinishedProxyList} while {@code running}; all are finished for {@code finished}; for {@code failed},
     * all are done and the last one failed. Times are on the emulator's clock.
     *
     * @param status the {@code TaskStatus}; not {@link TaskStatus#UNKNOWN} (script a status string the client does
     *     not know with {@link #tasks(TaskInfo...)})
     * @param progress the {@code Progress}, 0 to 100
     * @return the answer, for {@code DescribeProxySessionKillTasks} only
     */
    public static EmulatorAnswer taskState(TaskStatus status, int progress) {
        if (notNull(status, "status") == TaskStatus.UNKNOWN) {
            throw new IllegalArgumentException("status must be a documented status, got UNKNOWN: script a status"
                    + " string the client does not know with tasks(TaskInfo...)");
        }
        if (progress < 0 || progress > 100) {
            throw new IllegalArgumentException("progress must be between 0 and 100, got " + progress);
        }
        Builder b = new Builder(Kind.TASK_STATE);
        b.taskStatus = status;
        b.progress = progress;
        return b.build();
    }

    /**
     * Answers a {@code DescribeProxySessionKillTasks} with success and exactly these tasks, whatever it asked
     * for, with {@code TotalCount} their number; times are written in the emulator's time format, an empty time as
     * the empty string. None is an answer too: the asked tasks were not found.
     *
     * @param tasks the tasks, in order
     * @return the answer, for {@code DescribeProxySessionKillTasks} only
     */
    public static EmulatorAnswer tasks(TaskInfo... tasks) {
        notNull(tasks, "tasks");
        for (int i = 0; i < tasks.length; i++) {
            notNull(tasks[i], "tasks[" + i + "]");
        }
        Builder b = new Builder(Kind.TASKS);
        b.tasks = List.of(tasks);
        return b.build();
    }

    /**
     * Answers with this HTTP status and an empty body ({@code Content-Length: 0}), such as a 502 from a gateway,
     * with the emulator's usual {@code Date} header.
     *
     * @param status 200 to 599
     * @return the answer
     */
    public static EmulatorAnswer httpStatus(int status) {
        Builder b = new Builder(Kind.HTTP_STATUS);
        b.status = status(status, 200);
        b.headers = Map.of();
        return b.build();
    }

    /**
     * Answers with this HTTP status and body, such as a gateway's HTML error page, with the emulator's usual
     * {@code Date} and {@code Content-Length} headers.
     *
     * @param status 200 to 599
     * @param contentType the {@code Content-Type}, such as {@code text/html}
     * @param body the body, sent as UTF-8
     * @return the answer
     */
    public static EmulatorAnswer httpStatus(int status, String contentType, String body) {
        Builder b = new Builder(Kind.HTTP_STATUS);
        b.status = status(status, 200);
        b.headers = Map.of("Content-Type", header(text(contentType, "contentType"), "contentType"));
        b.body = notNull(body, "body").getBytes(StandardCharsets.UTF_8);
        return b.build();
    }

    /**
     * Answers with exactly this status line, these headers and these body bytes, for hostile cases: a declared
     * {@code Content-Length} that disagrees with the body, a body that is not JSON, a missing {@code Date}.
     * Nothing is added: without a {@code Content-Length} header the body goes out with chunked transfer coding.
     * When the declared {@code Content-Length} is larger than the body, the connection stays open after the body
     * and the client waits for the rest (a body that stalls), unless {@link #disconnectAtEnd()} closes it (a body
     * cut short).
     *
     * @param status 100 to 999
     * @param headers the header names (HTTP tokens) and values (visible ASCII, spaces, tabs, bytes 0x80 to 0xFF;
     *     no CR, LF or other control character), in order
     * @param body the body bytes (copied)
     * @return the answer
     */
    public static EmulatorAnswer raw(int status, Map<String, String> headers, byte[] body) {
        Builder b = new Builder(Kind.RAW);
        b.status = status(status, 100);
        Map<String, String> copy = new LinkedHashMap<>();
        notNull(headers, "headers").forEach((name, value) -> {
            if (name == null || name.isEmpty() || !name.chars().allMatch(EmulatorAnswer::tokenChar)) {
                throw new IllegalArgumentException("headers must have names that are HTTP tokens, got `" + name + "`");
            }
            copy.put(name, header(notNull(value, "headers[" + name + "]"), "headers[" + name + "]"));
        });
        b.headers = Collections.unmodifiableMap(copy);
        b.body = notNull(body, "body").clone();
        return b.build();
    }

    /**
     * Answers by resetting the connection (TCP RST) once the request was received: the client cannot know whether
     * the service acted on it.
     *
     * @return the answer
     */
    public static EmulatorAnswer reset() {
        return new Builder(Kind.RESET).build();
    }

    /**
     * Closes the connection (TCP FIN) once the request was received, without answering: the client sees the
     * connection closed before any answer.
     *
     * @return the answer
     */
    public static EmulatorAnswer disconnect() {
        return new Builder(Kind.DISCONNECT).build();
    }

    /**
     * Never answers: the request was received and the connection stays open, silent, until the client gives up or
     * the emulator stops.
     *
     * @return the answer
     */
    public static EmulatorAnswer noAnswer() {
        return new Builder(Kind.NO_ANSWER).build();
    }

    /**
     * Returns this answer sent only after a wait, on the emulator's {@link DbbrainEmulator.Builder#scheduler
     * scheduler} (a virtual-time scheduler makes the wait instant), after its
     * {@link DbbrainEmulator.Builder#latency(Duration) latency}. Replaces an earlier delay.
     *
     * @param delay zero up to one day
     * @return a new answer
     */
    public EmulatorAnswer delayed(Duration delay) {
        Builder b = new Builder(this);
        b.delay = duration(delay, "delay");
        return b.build();
    }

    /**
     * Returns this answer with its body sent slowly: the status line and headers (with the body's full
     * {@code Content-Length}, unless a {@link #raw raw} answer says otherwise) at once, then the body in pieces of
     * {@code bytesPerChunk} bytes, each after {@code interval}. For timeouts that must cover a whole answer, not just
     * its first byte.
     *
     * @param bytesPerChunk at least 1
     * @param interval the wait before each piece, zero up to one day
     * @return a new answer
     * @throws IllegalStateException for {@link #reset()}, {@link #disconnect()} and {@link #noAnswer()}, which
     *     send no body
     */
    public EmulatorAnswer trickled(int bytesPerChunk, Duration interval) {
        requireBody("trickled");
        if (bytesPerChunk < 1) {
            throw new IllegalArgumentException("bytesPerChunk must be at least 1, got " + bytesPerChunk);
        }
        Builder b = new Builder(this);
        b.trickleBytes = bytesPerChunk;
        b.trickleInterval = duration(interval, "interval");
        return b.build();
    }

    /**
     * Returns this answer with the connection closed (TCP FIN) once it is sent, instead of kept for the next
     * request; with a {@link #raw raw} answer whose declared {@code Content-Length} is larger than its body, the
     * client sees the body cut short.
     *
     * @return a new answer
     * @throws IllegalStateException for {@link #reset()}, {@link #disconnect()} and {@link #noAnswer()}
     */
    public EmulatorAnswer disconnectAtEnd() {
        requireBody("disconnectAtEnd");
        Builder b = new Builder(this);
        b.disconnectAtEnd = true;
        return b.build();
    }

    /**
     * Returns this envelope with this {@code RequestId} instead of a random one, for assertions on what the client
     * reports.
     *
     * @param requestId the RequestId, not blank
     * @return a new answer
     * @throws IllegalStateException unless this is an {@link #error}, {@link #created}, {@link #taskState} or
     *     {@link #tasks} answer
     */
    public EmulatorAnswer withRequestId(String requestId) {
        if (kind != Kind.ERROR && kind != Kind.CREATED && kind != Kind.TASK_STATE && kind != Kind.TASKS) {
            throw new IllegalStateException("withRequestId applies to the envelopes of error, created, taskState"
                    + " and tasks, not to " + describeKind());
        }
        Builder b = new Builder(this);
        b.requestId = text(requestId, "requestId");
        return b.build();
    }

    /**
     * Describes the answer, such as {@code error(ResourceNotFound, ...) delayed PT1S}.
     *
     * @return a description for messages and logs
     */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(describeKind());
        if (requestId != null) {
            s.append(" withRequestId(").append(requestId).append(')');
        }
        if (!delay.isZero()) {
            s.append(" delayed ").append(delay);
        }
        if (trickleBytes > 0) {
            s.append(" trickled ").append(trickleBytes).append(" bytes every ").append(trickleInterval);
        }
        if (disconnectAtEnd) {
            s.append(" disconnectAtEnd");
        }
        return s.toString();
    }

    private String describeKind() {
        switch (kind) {
            case ERROR:
                return "error(" + errorCode + ")";
            case CREATED:
                return "created(" + asyncRequestId + ")";
            case TASK_STATE:
                return "taskState(" + taskStatus.wireValue() + ", " + progress + ")";
            case TASKS:
                return "tasks(" + tasks.size() + " tasks)";
            case HTTP_STATUS:
                return "httpStatus(" + status + ", " + body.length + " bytes)";
            case RAW:
                return "raw(" + status + ", " + headers.keySet() + ", " + body.length + " bytes)";
            case RESET:
                return "reset()";
            case DISCONNECT:
                return "disconnect()";
            case NO_ANSWER:
                return "noAnswer()";
            default:
                return "simulated()";
        }
    }

    /** The action this answer can answer only, or null when it fits any. */
    Action onlyFor() {
        switch (kind) {
            case CREATED:
                return Action.CREATE;
            case TASK_STATE:
            case TASKS:
                return Action.DESCRIBE;
            default:
                return null;
        }
    }

    Kind kind() {
        return kind;
    }

    String errorCode() {
        return errorCode;
    }

    String errorMessage() {
        return errorMessage;
    }

    long asyncRequestId() {
        return asyncRequestId;
    }

    TaskStatus taskStatus() {
        return taskStatus;
    }

    int progress() {
        return progress;
    }

    List<TaskInfo> scriptedTasks() {
        return tasks;
    }

    int status() {
        return status;
    }

    Map<String, String> headers() {
        return headers;
    }

    /** The body; never modified, never handed out. */
    byte[] body() {
        return body;
    }

    /** The fixed RequestId, or null for a random one. */
    String requestId() {
        return requestId;
    }

    Duration delay() {
        return delay;
    }

    /** Bytes per piece of a trickled body, or 0 when the body goes out at once. */
    int trickleBytes() {
        return trickleBytes;
    }

    Duration trickleInterval() {
        return trickleInterval;
    }

    boolean disconnectsAtEnd() {
        return disconnectAtEnd;
    }

    private void requireBody(String modifier) {
        if (kind == Kind.RESET || kind == Kind.DISCONNECT || kind == Kind.NO_ANSWER) {
            throw new IllegalStateException(modifier + " applies to an answer that sends something, not to "
                    + describeKind());
        }
    }

    private static int status(int status, int min) {
        int max = min == 100 ? 999 : 599;
        if (status < min || status > max) {
            throw new IllegalArgumentException("status must be between " + min + " and " + max + ", got " + status);
        }
        return status;
    }

    private static <T> T notNull(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    private static String text(String value, String name) {
        if (notNull(value, name).isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    /**
     * A header value as Netty sends it: no CR or LF (which would split it into two headers), nor any other control
     * character; tabs and the bytes 0x80 to 0xFF are allowed.
     */
    private static String header(String value, String name) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException(name + " must not contain CR or LF");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                throw new IllegalArgumentException(name + " must not contain the character U+"
                        + String.format("%04X", (int) c));
            }
        }
        return value;
    }

    /** An HTTP token character (RFC 9110, section 5.6.2). */
    private static boolean tokenChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static Duration duration(Duration value, String name) {
        if (notNull(value, name).isNegative() || value.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException(name + " must be between 0 and " + MAX_WAIT + ", got " + value);
        }
        return value;
    }

    /** The mutable state behind the immutable answer: each factory and modifier fills one and builds. */
    private static final class Builder {
        private final Kind kind;
        private String errorCode;
        private String errorMessage;
        private long asyncRequestId;
        private TaskStatus taskStatus;
        private int progress;
        private List<TaskInfo> tasks = List.of();
        private int status = 200;
        private Map<String, String> headers = Map.of();
        private byte[] body = new byte[0];
        private String requestId;
        private Duration delay = Duration.ZERO;
        private int trickleBytes;
        private Duration trickleInterval = Duration.ZERO;
        private boolean disconnectAtEnd;

        Builder(Kind kind) {
            this.kind = kind;
        }

        Builder(EmulatorAnswer a) {
            this.kind = a.kind;
            this.errorCode = a.errorCode;
            this.errorMessage = a.errorMessage;
            this.asyncRequestId = a.asyncRequestId;
            this.taskStatus = a.taskStatus;
            this.progress = a.progress;
            this.tasks = a.tasks;
            this.status = a.status;
            this.headers = a.headers;
            this.body = a.body;
            this.requestId = a.requestId;
            this.delay = a.delay;
            this.trickleBytes = a.trickleBytes;
            this.trickleInterval = a.trickleInterval;
            this.disconnectAtEnd = a.disconnectAtEnd;
        }

        EmulatorAnswer build() {
            return new EmulatorAnswer(this);
        }
    }
}
