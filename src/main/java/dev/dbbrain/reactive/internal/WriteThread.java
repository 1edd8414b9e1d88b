package dev.dbbrain.reactive.internal;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.Executor;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The thread a request is written on, handed from the transport to the write pacer through the Reactor context:
 * the event loop of the request's connection. A write subscribed there leaves in the same task; a write subscribed
 * on a timer thread is queued to the event loop and, on a starved machine, leaves late and together with others. So
 * the pacer runs its last check on this thread, immediately before the write, where the moment it decides is the
 * moment the request leaves.
 */
public final class WriteThread {

    private static final Object KEY = WriteThread.class;

    private WriteThread() {
    }

    /** A context naming {@code executor} as the write thread (an empty one for {@code null}). */
    public static Context context(Executor executor) {
        return executor == null ? Context.empty() : Context.of(KEY, executor);
    }

    /** The write thread the context names, or {@code null} (a permit used outside the client). */
    public static Executor of(ContextView context) {
        return context.getOrDefault(KEY, null);
    }

    /**
     * {@code task} subscribed on {@code executor}: inline when the caller already runs there (an event loop
     * asked from within), else as a task queued to it. Without an executor, inline.
     */
    public static <T> Mono<T> on(Executor executor, Mono<T> task) {
        if (executor == null || executor instanceof EventExecutor loop && loop.inEventLoop()) {
            return task;
        }
        return task.subscribeOn(Schedulers.fromExecutor(executor));
    }
}
