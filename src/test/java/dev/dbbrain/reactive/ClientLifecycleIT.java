package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.subscriber.TestSubscriber;

/**
 * {@code close()}: it ends running watches at once with a typed error and leaves nothing running, later calls fail
 * fast, and a thousand clients built, used and closed leave no thread and no connection behind.
 */
class ClientLifecycleIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /**
     * A thousand round trips through BlockHound and paranoid leak detection: seconds on a quiet machine, minutes
     * beside CPU hogs. The suite's default timeout (2 min) guards against hangs; these tests claim nothing about
     * speed, so their guard is wider.
     */
    private static final long THOUSANDS_TIMEOUT_MINUTES = 10;

    private VirtualWorld world;
    private DbbrainEmulator emulator;

    @AfterEach
    void tearDown() {
        if (world != null) {
            world.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void closeEndsActiveWatchesWithClientClosedAndLeavesNothingRunning() {
        // Answers take 30 s of virtual time, so a poll stays in flight until the test moves the clock.
        world = new VirtualWorld(e -> e.latency(Duration.ofSeconds(30)), c -> c);
        VirtualWorld w = world;
        WatchOptions options = w.options().deadline(Duration.ofHours(1));
        long seen = 14672492L;
        long unseen = 14672493L;
        TestSubscriber<TaskInfo> polled = TestSubscriber.create();
        w.client.watch("crs-close001", seen, options.notFoundGrace(Duration.ofHours(1))
                .pollInterval(Duration.ofHours(1))).subscribe(polled);
        w.awaitDescribes(1);
        // Moves the clock until the delayed answer is out (the emulator schedules it once it has read the body);
        // the task does not exist, within its grace: the loop then waits an hour on its timer.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (w.client.stats().pollsInFlight() > 0) {
            assertThat(System.nanoTime()).as("first poll answered").isLessThan(deadline);
            w.time.advanceTimeBy(Duration.ofSeconds(1));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        TestSubscriber<TaskInfo> inFlight = TestSubscriber.create();
        w.client.watch("crs-close002", unseen, options).subscribe(inFlight);
        w.awaitDescribes(2);
        ClientStats before = w.client.stats();
        assertThat(before).extracting(ClientStats::watchedInstances, ClientStats::watchedTasks,
                ClientStats::pollsInFlight, ClientStats::timers).containsExactly(2, 2, 1, 1);
        Flux<TaskInfo> assembledBeforeClose = w.client.watch("crs-close003", 1, options);

        w.client.close();

        for (TestSubscriber<TaskInfo> watcher : List.of(polled, inFlight)) {
            // Ended by close() itself, on this thread: no waiting.
            assertThat(watcher.isTerminatedError()).isTrue();
            assertThat(watcher.expectTerminalError()).isInstanceOfSatisfying(DbbrainWatchException.class, e -> {
                assertThat(e.reason()).isEqualTo(DbbrainWatchException.Reason.CLIENT_CLOSED);
                assertThat(e).hasMessageContaining("client was closed");
            });
        }
        assertThat(w.client.stats()).extracting(ClientStats::watchedInstances, ClientStats::watchedTasks,
                ClientStats::pollsInFlight, ClientStats::timers).containsExactly(0, 0, 0, 0);
        long received = w.describes();
        // Past every poll interval, the deadline and the emulator's latency: nothing more is sent or signalled.
        w.time.advanceTimeBy(Duration.ofHours(2));
        assertThat(w.describes()).isEqualTo(received);
        assertThat(polled.getReceivedOnNext()).isEmpty();
        assertThat(inFlight.getReceivedOnNext()).isEmpty();

        StepVerifier.create(assembledBeforeClose).expectErrorMessage("this DbbrainClient is closed").verify(WAIT);
        StepVerifier.create(w.client.watch("crs-close004", 1)).expectErrorMessage("this DbbrainClient is closed")
                .verify(WAIT);
        StepVerifier.create(w.client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-close005")))
                .expectErrorMessage("this DbbrainClient is closed").verify(WAIT);
        assertThat(w.client.stats().watchedTasks()).isZero();
        w.client.close();
    }

    @Test
    @Timeout(value = THOUSANDS_TIMEOUT_MINUTES, unit = TimeUnit.MINUTES)
    void closeEndsAThousandWatchesAndTheirLastStateSurvivesInTheError() {
        world = new VirtualWorld(e -> e.stepDuration(Duration.ofHours(1)), c -> c.maxBatch(50));
        VirtualWorld w = world;
        // The thousand tasks are created 16 at a time: the setup's round trips need not add up one after another.
        List<Long> ids = Flux.range(0, 1000)
                .flatMapSequential(i -> w.client.createProxySessionKillTask(
                        CreateProxySessionKillTaskRequest.of(closeInstance(i)))
                        .map(CreateProxySessionKillTaskResponse::asyncRequestId), 16)
                .collectList()
                .block(Duration.ofMinutes(THOUSANDS_TIMEOUT_MINUTES));
        List<TestSubscriber<TaskInfo>> watchers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            TestSubscriber<TaskInfo> s = TestSubscriber.create();
            w.client.watch(closeInstance(i), ids.get(i), w.options()).subscribe(s);
            watchers.add(s);
        }
        w.advance(Duration.ofSeconds(3));
        assertThat(w.client.stats().watchedTasks()).isEqualTo(1000);
        w.client.close();
        assertThat(watchers).allSatisfy(s -> {
            assertThat(s.getReceivedOnNext()).extracting(TaskInfo::status).containsExactly("created");
            assertThat(s.expectTerminalError()).isInstanceOfSatisfying(DbbrainWatchException.class, e -> {
                assertThat(e.reason()).isEqualTo(DbbrainWatchException.Reason.CLIENT_CLOSED);
                assertThat(e.lastSeen()).map(TaskInfo::status).contains("created");
            });
        });
        assertThat(w.client.stats()).extracting(ClientStats::watchedInstances, ClientStats::watchedTasks,
                ClientStats::pollsInFlight, ClientStats::timers).containsExactly(0, 0, 0, 0);
        long received = w.describes();
        w.time.advanceTimeBy(Duration.ofMinutes(5));
        assertThat(w.describes()).isEqualTo(received);
    }

    @Test
    @Timeout(value = THOUSANDS_TIMEOUT_MINUTES, unit = TimeUnit.MINUTES)
    void aThousandClientsBuiltUsedAndClosedLeaveNoThreadOrConnectionBehind() {
        assumeThat(Files.isDirectory(Path.of("/proc/self/fd"))).as("Linux /proc to count sockets").isTrue();
        emulator = DbbrainEmulator.builder().credentials("AKIDlifecycle", "lifecycle-key").rateLimit(0).start();
        // Before any client: the emulator's listening socket and whatever else this JVM holds.
        int sockets = steady(ClientLifecycleIT::openSockets);
        for (int i = 0; i < 20; i++) {
            // Warm-up: global event loops, schedulers and classes exist from here on.
            cycle(i);
        }
        Set<Thread> threads = Thread.getAllStackTraces().keySet();
        int threadCount = threads.size();
        long t0 = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            cycle(i);
        }
        long elapsed = System.nanoTime() - t0;
        // Disposal of a pool closes its connections asynchronously: wait (bounded) for both sides to be closed.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while ((openSockets() > sockets || liveThreads() > threadCount) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        System.out.printf("1,000 create/use/close cycles in %.1f s: sockets %d -> %d, threads %d -> %d%n",
                elapsed / 1e9, sockets, openSockets(), threadCount, liveThreads());
        assertThat(openSockets()).as("open sockets (client and emulator side)").isLessThanOrEqualTo(sockets);
        assertThat(liveThreads()).as("live threads; new: %s", Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !threads.contains(t)).map(Thread::getName).collect(Collectors.toList()))
                .isLessThanOrEqualTo(threadCount);
        assertThat(emulator.stats().tasksCreated()).isEqualTo(1020);
    }

    private static String closeInstance(int i) {
        return String.format("crs-close%03d", i % 10);
    }

    private void cycle(int i) {
        DbbrainClient client = DbbrainClient.builder().endpoint(emulator.endpoint())
                .credentials(Credentials.of("AKIDlifecycle", "lifecycle-key")).rateLimiter(RateLimiter.unlimited())
                .build();
        try {
            long id = client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(
                    String.format("crs-cycle%03d", i % 1000))).block(WAIT).asyncRequestId();
            assertThat(id).isPositive();
        } finally {
            client.close();
        }
    }

    /** The value once it has not changed for 200 ms (at most 5 s). */
    private static int steady(IntSupplier value) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int last = value.getAsInt();
        long since = System.nanoTime();
        while (System.nanoTime() - since < TimeUnit.MILLISECONDS.toNanos(200) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            int now = value.getAsInt();
            if (now != last) {
                last = now;
                since = System.nanoTime();
            }
        }
        return last;
    }

    private static int liveThreads() {
        return Thread.getAllStackTraces().size();
    }

    /** Sockets this JVM holds open, client and server sides alike (Linux). */
    private static int openSockets() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException e) {
                    return false; // closed while listing
                }
            }).count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitReal(IntSupplier value, int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (value.getAsInt() > expected) {
            assertThat(System.nanoTime()).as("waiting for %d, at %d", expected, value.getAsInt()).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
