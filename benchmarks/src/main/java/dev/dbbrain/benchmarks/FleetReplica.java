package dev.dbbrain.benchmarks;

import dev.dbbrain.reactive.ClientStats;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DbbrainEventListener;
import dev.dbbrain.reactive.DbbrainWatchException;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import dev.dbbrain.reactive.WatchOptions;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.ratelimit.redis.RedisRateLimiter;
import dev.dbbrain.reactive.ratelimit.redis.RedisWatchSharing;
import io.lettuce.core.RedisClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import reactor.core.publisher.Flux;

/**
 * One replica of {@link FleetWatch}'s fleet, in a JVM of its own, configured entirely by its command line: a client
 * with the Redis limiter (the library's defaults: 19 permits/s for the whole fleet, failing closed while Redis is
 * down unless {@code --limiter-outage local}) and, with {@code --sharing on}, watch sharing on the same Redis, through
 * one Lettuce client; every other setting is the library's default (poll interval 1 s unless
 * {@code --interval-ms}).
 *
 * <p>Told what to follow on its standard input: {@code TASK <instance> <id>} makes {@code --subscribers} subscribers
 * watch the task, all at once, after an arrival delay drawn uniformly from {@code [0, --arrival-spread-ms)} (seeded
 * by {@code --seed}, the replica's {@code --index} and the task), as people following a kill land on any replica at
 * any moment; {@code IDLE?} asks to be told ({@code IDLE}) once no watch is open (the end of the warm-up);
 * {@code NOMORE} says no task follows; {@code EXIT} writes the results and ends. End of input ends it too
 * (its parent is gone).
 *
 * <p>Says on its standard output: {@code READY} (warmed up: one watch of a task that does not exist has gone through
 * the limiter, the emulator and, sharing on, the store); {@code POLL <instance> <tasks> <millis>} each time it takes
 * a poll slot for the fleet (before the request waits for its permit); {@code REJECT <instance> <task> <reason>}
 * for each state read from the fleet and ignored; {@code LOG <level> <logger> <millis> <message>} for
 * each record of the library's loggers at INFO or above; {@code TICK <millis> <stats>} every second;
 * {@code ALLDONE <millis>} once every watch it started has ended after {@code NOMORE}; {@code STATS <stats>} last.
 * The results file ({@code --out}) has one line per subscriber: {@code instance task subscriber arrivedAt seenAt
 * status states backwards error}, times in epoch milliseconds ({@code seenAt}: when the terminal state reached the
 * subscriber, 0 if never; {@code backwards}: 1 if a state it received went back from an earlier one).
 */
public final class FleetReplica {

    private static final Logger LIBRARY = Logger.getLogger("dev.dbbrain");

    private final DbbrainClient client;
    private final RedisClient lettuce;
    private final int subscribers;
    private final long arrivalSpread;
    private final long seed;
    private final int index;
    private final WatchOptions options;
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicBoolean noMore = new AtomicBoolean();
    private final AtomicBoolean allDone = new AtomicBoolean();
    private final AtomicBoolean idleWanted = new AtomicBoolean();
    private final ScheduledExecutorService arrivals = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "arrivals");
        t.setDaemon(true);
        return t;
    });

    private FleetReplica(Map<String, String> o) {
        index = Integer.parseInt(o.getOrDefault("index", "0"));
        subscribers = Integer.parseInt(o.getOrDefault("subscribers", "10"));
        arrivalSpread = Long.parseLong(o.getOrDefault("arrival-spread-ms", "1000"));
        seed = Long.parseLong(o.getOrDefault("seed", "21"));
        WatchOptions watch = WatchOptions.defaults();
        if (o.containsKey("interval-ms")) {
            watch = watch.pollInterval(Duration.ofMillis(Long.parseLong(o.get("interval-ms"))));
        }
        options = watch;
        String redis = o.get("redis");
        lettuce = RedisClient.create();
        RedisRateLimiter.Builder limiter = RedisRateLimiter.builder(lettuce, redis);
        if ("local".equals(o.getOrDefault("limiter-outage", "closed"))) {
            limiter.fallBackLocally(Integer.parseInt(o.getOrDefault("replicas", "1")));
        }
        DbbrainClient.Builder builder = DbbrainClient.builder().endpoint(o.get("endpoint"))
                .credentials(Credentials.of(EmulatorProcess.SECRET_ID, EmulatorProcess.SECRET_KEY))
                .rateLimiter(limiter.build())
                .eventListener(new DbbrainEventListener() {
                    @Override
                    public void sharedPollSent(String instanceId, int tasks) {
                        say("POLL " + instanceId + ' ' + tasks + ' ' + System.currentTimeMillis());
                    }

                    @Override
                    public void sharedStateRejected(String instanceId, long taskId, String reason) {
                        say("REJECT " + instanceId + ' ' + taskId + ' ' + reason);
                    }
                });
        if ("on".equals(o.getOrDefault("sharing", "on"))) {
            RedisWatchSharing.Builder sharing = RedisWatchSharing.builder(lettuce, redis);
            if (o.containsKey("lease-ms")) {
                sharing.lease(Duration.ofMillis(Long.parseLong(o.get("lease-ms"))));
            }
            builder.watchSharing(sharing.build());
        }
        client = builder.build();
    }

    /**
     * Runs the replica until {@code EXIT} or the end of its input.
     *
     * @param args {@code --name value} pairs: {@code --endpoint --redis --sharing on|off --index --replicas
     *     --subscribers --arrival-spread-ms --seed --interval-ms --lease-ms --limiter-outage closed|local --out}
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = Options.parse(args);
        captureLibraryLogs();
        FleetReplica replica = new FleetReplica(o);
        replica.warmUp(o.get("endpoint"));
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ticks");
            t.setDaemon(true);
            return t;
        });
        ticks.scheduleAtFixedRate(() -> say("TICK " + System.currentTimeMillis() + ' '
                + stats(replica.client.stats())), 1, 1, TimeUnit.SECONDS);
        say("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.trim().split(" ");
            if (f[0].equals("TASK")) {
                replica.follow(f[1], Long.parseLong(f[2]));
            } else if (f[0].equals("IDLE?")) {
                replica.idleWanted.set(true);
                replica.checkAllDone();
            } else if (f[0].equals("NOMORE")) {
                replica.noMore.set(true);
                replica.checkAllDone();
            } else if (f[0].equals("EXIT")) {
                replica.writeResults(Path.of(o.get("out")));
                say("STATS " + stats(replica.client.stats()));
                break;
            }
        }
        ticks.shutdownNow();
        replica.client.close();
        replica.lettuce.shutdown(0, 2, TimeUnit.SECONDS);
        System.exit(0);
    }

    /** One watch of a task no one created: connections opened and classes loaded before the first real task. */
    private void warmUp(String endpoint) throws InterruptedException {
        // The harness starts the emulator's JVM and ours together: wait until it listens.
        java.net.URI uri = java.net.URI.create(endpoint);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
                break;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("nothing listens at " + endpoint, notYet);
                }
                Thread.sleep(50);
            }
        }
        client.watch("crs-warmup0", 1 + index, WatchOptions.defaults().notFoundGrace(Duration.ZERO))
                .onErrorResume(DbbrainWatchException.class, e -> Flux.empty())
                .blockLast(Duration.ofSeconds(60));
    }

    private void follow(String instanceId, long taskId) {
        long delay = new SplittableRandom(seed * 1_000_003L + index * 7919L + taskId).nextLong(
                Math.max(1, arrivalSpread));
        open.addAndGet(subscribers);
        arrivals.schedule(() -> {
            long arrivedAt = System.currentTimeMillis();
            for (int s = 0; s < subscribers; s++) {
                Watcher w = new Watcher(instanceId, taskId, s, arrivedAt);
                watchers.add(w);
                client.watch(instanceId, taskId, options).subscribe(w::onNext, w::onError, w::onComplete);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void ended() {
        open.decrementAndGet();
        checkAllDone();
    }

    private void checkAllDone() {
        if (open.get() == 0 && idleWanted.compareAndSet(true, false)) {
            say("IDLE");
        }
        if (noMore.get() && open.get() == 0 && allDone.compareAndSet(false, true)) {
            say("ALLDONE " + System.currentTimeMillis());
        }
    }

    private void writeResults(Path file) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            for (Watcher w : watchers) {
                out.println(w.instanceId + ' ' + w.taskId + ' ' + w.subscriber + ' ' + w.arrivedAt + ' ' + w.seenAt
                        + ' ' + w.status + ' ' + w.states + ' ' + (w.backwards ? 1 : 0) + ' '
                        + (w.error == null ? "-" : w.error.replace(' ', '_')));
            }
        }
    }

    static String stats(ClientStats s) {
        return "{\"requests\":" + s.requests() + ",\"retries\":" + s.retries() + ",\"throttled\":" + s.throttled()
                + ",\"sharedPollsSent\":" + s.sharedPollsSent() + ",\"sharedStatesReceived\":"
                + s.sharedStatesReceived() + ",\"sharedPollsTakenOver\":" + s.sharedPollsTakenOver()
                + ",\"sharedStatesRejected\":" + s.sharedStatesRejected() + ",\"sharedFallbackPolls\":"
                + s.sharedFallbackPolls() + ",\"watchSubscribers\":" + s.watchSubscribers() + "}";
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }

    /** The library's records at INFO and above become {@code LOG} lines, for the harness to count. */
    private static void captureLibraryLogs() {
        SimpleFormatter formatter = new SimpleFormatter();
        LIBRARY.setLevel(Level.INFO);
        LIBRARY.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                    say("LOG " + record.getLevel() + ' ' + record.getLoggerName() + ' ' + record.getMillis() + ' '
                            + formatter.formatMessage(record).replace('\n', ' '));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    /** One subscriber: what it saw, and when the terminal state reached it. */
    private final class Watcher {
        final String instanceId;
        final long taskId;
        final int subscriber;
        final long arrivedAt;
        volatile long seenAt;
        volatile String status = "-";
        volatile int states;
        volatile boolean backwards;
        volatile String error;
        private TaskInfo last;

        Watcher(String instanceId, long taskId, int subscriber, long arrivedAt) {
            this.instanceId = instanceId;
            this.taskId = taskId;
            this.subscriber = subscriber;
            this.arrivedAt = arrivedAt;
        }

        void onNext(TaskInfo state) {
            long now = System.currentTimeMillis();
            states++;
            if (last != null && goesBack(last, state)) {
                backwards = true;
            }
            last = state;
            status = state.status();
            if (state.isTerminal()) {
                seenAt = now;
            }
        }

        void onError(Throwable e) {
            error = e instanceof DbbrainWatchException w ? "watch:" + w.reason() : e.getClass().getSimpleName();
            ended();
        }

        void onComplete() {
            ended();
        }
    }

    /** Whether {@code next} goes back from {@code previous}: a lower status, or less progress in the same one. */
    static boolean goesBack(TaskInfo previous, TaskInfo next) {
        int a = rank(previous.taskStatus());
        int b = rank(next.taskStatus());
        return b < a || (a == b && next.progress() < previous.progress());
    }

    private static int rank(TaskStatus status) {
        return switch (status) {
            case CREATED -> 0;
            case CHOSEN -> 1;
            case RUNNING -> 2;
            case FINISHED, FAILED -> 3;
            default -> -1;
        };
    }
}
