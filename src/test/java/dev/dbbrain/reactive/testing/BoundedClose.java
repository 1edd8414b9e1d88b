package dev.dbbrain.reactive.testing;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Closes a test's resources each on a daemon thread of its own, waiting at most a bound for each: a close that never
 * returns (Lettuce's can spin for ever, see {@code LettuceClose}) fails the test with the stuck thread's stack
 * instead of hanging the suite. Every resource is tried; the first failure is thrown, the others suppressed in it.
 */
public final class BoundedClose {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private BoundedClose() {
    }

    /** {@code close}, named {@code what} in a failure. */
    public static AutoCloseable named(String what, AutoCloseable close) {
        return new AutoCloseable() {
            @Override
            public void close() throws Exception {
                close.close();
            }

            @Override
            public String toString() {
                return what;
            }
        };
    }

    /** Closes {@code resources} in order, each within {@code bound}. */
    public static void closeAll(Duration bound, List<? extends AutoCloseable> resources) throws Exception {
        Exception first = null;
        for (AutoCloseable resource : resources) {
            try {
                close(bound, resource);
            } catch (Exception | AssertionError e) {
                Exception failure = e instanceof Exception x ? x : new Exception(e);
                if (first == null) {
                    first = failure;
                } else {
                    first.addSuppressed(failure);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Closes {@code resource} within {@code bound}. */
    public static void close(Duration bound, AutoCloseable resource) throws Exception {
        AtomicReference<Exception> failed = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                resource.close();
            } catch (Exception e) {
                failed.set(e);
            }
        }, "test-close-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
        thread.join(bound.toMillis());
        if (thread.isAlive()) {
            throw new AssertionError("closing " + resource + " took more than " + bound + "; " + thread.getName()
                    + " is " + thread.getState() + " at\n" + Arrays.stream(thread.getStackTrace())
                    .map(f -> "\tat " + f).collect(Collectors.joining("\n")));
        }
        if (failed.get() != null) {
            throw failed.get();
        }
    }
}
