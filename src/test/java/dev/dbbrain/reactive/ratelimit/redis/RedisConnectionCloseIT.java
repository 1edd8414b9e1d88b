package dev.dbbrain.reactive.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.internal.LettuceClose;
import dev.dbbrain.reactive.internal.TimeSource;
import dev.dbbrain.reactive.testing.RedisProcess;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The hang of issue 22, reproduced on a real Lettuce connection to a real redis-server: Lettuce 7.7's
 * {@code closeAsync()} spins, on the thread that calls it, in {@code SharedLock.lockWritersExclusive} until the
 * endpoint's count of writers in flight drains (redis/lettuce#3880). The test leaves that count one above zero, as a
 * writer that never left {@code DefaultEndpoint.write} does (in the suite's hang, a BlockHound error thrown from
 * inside {@code SharedLock.incrementWriters} left it at -1, which spins the same way; see
 * {@code LettuceSharedLockBlockHoundIntegration}), and gives it back at the end, so that Lettuce's own close finishes
 * and no thread spins on after the test.
 *
 * <p>Before the fix, {@code store.close()} called {@code closeAsync()} inside the subscription: the subscribing thread
 * spun for ever, and {@code block(timeout)} could not time out. Here the caller's subscribe must return at once, and
 * the close must complete at the bound (virtual time) with one warning that names the issue and not the password.
 */
class RedisConnectionCloseIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PASSWORD = "s3cret-close-it";
    private static final String[] KEYS = {"dbbrain:rate:v1:{close-it}:DescribeProxySessionKillTasks"};

    private static RedisProcess redis;

    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    /** Held here: JUL keeps loggers only weakly, and a new one would have no handler. */
    private final Logger log = Logger.getLogger(LettuceClose.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final VirtualTimeScheduler timer = VirtualTimeScheduler.create();
    private LeakedWriter leak;
    private Thread caller;

    @BeforeAll
    static void start() {
        redis = RedisProcess.start();
        // The URI then carries a password, which no log line may repeat.
        redis.admin().configSet("requirepass", PASSWORD);
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    @BeforeEach
    void capture() {
        log.setLevel(Level.ALL);
        log.addHandler(capture);
    }

    @AfterEach
    void release() throws Exception {
        log.removeHandler(capture);
        log.setLevel(null);
        if (leak != null) {
            // Lettuce's close (and, before the fix, the caller spinning in it) can finish now.
            leak.giveBack();
        }
        if (caller != null) {
            caller.join(WAIT.toMillis());
        }
        timer.dispose();
    }

    @Test
    void aConnectionWhoseWriterCountNeverDrainsClosesAtTheBoundAndTheCallersThreadNeverSpins() throws Exception {
        String address = "127.0.0.1:" + redis.uri().substring(redis.uri().lastIndexOf(':') + 1);
        RedisBucketStore store = RedisBucketStore.create("redis://:" + PASSWORD + "@" + address,
                Duration.ofSeconds(10), TimeSource.of(timer));
        assertThat(store.acquire(KEYS, 1_000, 0, 1_000_000_000L).block(WAIT)).as("connected and answered")
                .isNotNull();
        StatefulRedisConnection<String, String> connection = openConnection(store);
        leak = LeakedWriter.on(connection);

        // The caller: an event loop, a Spring destroy, a test's @AfterEach. Its subscribe must return.
        AtomicBoolean closed = new AtomicBoolean();
        caller = new Thread(() -> store.close().subscribe(v -> { }, e -> { }, () -> closed.set(true)),
                "close-caller");
        caller.start();
        caller.join(WAIT.toMillis());
        assertThat(caller.isAlive()).as("the caller's subscribe returned (it spun in Lettuce before the fix): %s",
                Arrays.toString(caller.getStackTrace())).isFalse();

        // Lettuce really does spin, on the close's own thread.
        Thread spinning = awaitThreadIn("SharedLock.lockWritersExclusive");
        assertThat(spinning.getName()).startsWith("dbbrain-lettuce-close-");
        assertThat(closed).isFalse();
        assertThat(logged).isEmpty();

        timer.advanceTimeBy(LettuceClose.BOUND);
        assertThat(closed).as("closed at the bound, whatever Lettuce does").isTrue();
        assertThat(logged).hasSize(1);
        String warning = new SimpleFormatter().formatMessage(logged.get(0));
        assertThat(logged.get(0).getLevel()).isEqualTo(Level.WARNING);
        assertThat(warning).contains("redis/lettuce/issues/3880", address).doesNotContain(PASSWORD);
        assertThat(spinning.getState()).as("still in Lettuce").isEqualTo(Thread.State.RUNNABLE);

        // Once the writer count drains, Lettuce's close and the client's shutdown finish on that thread.
        leak.giveBack();
        leak = null;
        spinning.join(WAIT.toMillis());
        assertThat(spinning.isAlive()).as("the close went on to the end").isFalse();
        assertThat(connection.isOpen()).isFalse();
        assertThat(logged).as("one warning per close").hasSize(1);
    }

    /** The store's open connection: the one its last call used. */
    @SuppressWarnings("unchecked")
    private static StatefulRedisConnection<String, String> openConnection(RedisBucketStore store) throws Exception {
        AtomicReference<CompletableFuture<StatefulRedisConnection<String, String>>> ref =
                (AtomicReference<CompletableFuture<StatefulRedisConnection<String, String>>>) field(store,
                        "connection");
        return ref.get().join();
    }

    private static Thread awaitThreadIn(String frame) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Thread> found = Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> (f.getClassName() + "."
                            + f.getMethodName()).endsWith(frame)))
                    .map(java.util.Map.Entry::getKey).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no thread in " + frame + " within " + WAIT);
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(target);
            } catch (NoSuchFieldException e) {
                // declared higher up
            }
        }
        throw new NoSuchFieldException(target.getClass().getName() + "." + name);
    }

    /**
     * A writer that entered the connection's {@code SharedLock} and never left: Lettuce's state of #3880, made by
     * calling its package-private {@code incrementWriters} on a thread that then ends.
     */
    private static final class LeakedWriter {
        private final Object sharedLock;
        private boolean givenBack;

        private LeakedWriter(Object sharedLock) {
            this.sharedLock = sharedLock;
        }

        static LeakedWriter on(StatefulRedisConnection<String, String> connection) throws Exception {
            // StatefulRedisConnectionImpl -> its channel writer (Lettuce's expiry writers delegate) -> DefaultEndpoint.
            Object writer = field(connection, "channelWriter");
            while (!writer.getClass().getName().equals("io.lettuce.core.protocol.DefaultEndpoint")) {
                writer = field(writer, "delegate");
            }
            LeakedWriter leak = new LeakedWriter(field(writer, "sharedLock"));
            leak.call("incrementWriters");
            assertThat(leak.writers()).as("one writer in flight, for ever").isEqualTo(1);
            return leak;
        }

        long writers() throws ReflectiveOperationException {
            return ((Number) field(sharedLock, "writers")).longValue();
        }

        synchronized void giveBack() throws Exception {
            if (!givenBack) {
                givenBack = true;
                call("decrementWriters");
            }
        }

        private void call(String method) throws Exception {
            Method m = sharedLock.getClass().getDeclaredMethod(method);
            m.setAccessible(true);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    m.invoke(sharedLock);
                } catch (Throwable e) {
                    failed.set(e);
                }
            }, "leaked-writer");
            writer.start();
            writer.join(WAIT.toMillis());
            if (failed.get() != null) {
                throw new AssertionError(method, failed.get());
            }
        }
    }
}
