package dev.dbbrain.benchmarks;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.SharedStateForger;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 21's fleet benchmark: 1, 2, 3 and 5 replica <b>processes</b> ({@link FleetReplica}), on one real
 * {@code redis-server} ({@link RedisServer}) and one emulator process ({@link EmulatorProcess}), each following the
 * same tasks with the same number of subscribers per task, with watch sharing on and off; then, with {@code
 * --faults}, four runs with a fault mid-run. Every run gets a fresh emulator (its statistics are the run's) and an
 * emptied Redis, and starts once its replicas are warm (see {@code Run.warmUp}).
 *
 * <p><b>The workload.</b> {@code --tasks} (200) tasks on {@code --instances} (40) instances, five each, in a shuffled
 * order (seed {@code --seed}); the harness creates them at an even pace over {@code --window-s} (60 s), so they end
 * over a bounded window of that length, and tells every replica about each as soon as the service answered. Each
 * replica's {@code --subscribers} (10) subscribers of a task arrive together, after a delay of its own drawn uniformly
 * from {@code [0, --arrival-spread-ms)} (1 s: one poll interval, so a task's end falls anywhere in a replica's poll
 * cycle), as people following a kill land on any replica at any moment. A task is {@code created}, {@code chosen},
 * then {@code running} for one {@code --step-ms} each and ends 3 steps after its creation; the default step, 333 ms,
 * makes a task last one poll interval, so that following it to its end takes two polls <i>whenever</i> its follower
 * starts: a fleet starts polling a task at its earliest subscriber, earlier than one replica does, and with a task
 * lasting 1.5 intervals (step 500) that earlier start alone costs the fleet up to 15% more polls than one replica
 * (an expected 2.875 against 2.5 per task at 3 replicas), which says nothing about sharing. Every answer of the
 * emulator comes after {@code --latency-ms} (100, a round trip to a distant API; it also keeps a poll slot held long
 * enough for the SIGKILL fault to find one). The emulator enforces the account's 20 requests per second; the replicas
 * share 19 per second through the Redis limiter (the library's default). Poll interval: the library's default (1 s,
 * 10% jitter) unless {@code --interval-ms}; lease: the library's default (3 s) unless {@code --lease-ms}. Sized for
 * two cores: one replica needs about 6 Describes a second, so three without sharing nearly fill the budget and five
 * overflow it.
 *
 * <p><b>What is measured.</b> The fleet's Describe requests for the run (the emulator's count after the replicas
 * warmed up against its count at the end), Describe/s over the run (from the first Create to the last terminal state
 * seen), the most Describes in any second (the emulator's sliding window), and for every subscriber of every replica
 * the delay from the task's end to the subscriber receiving the terminal state. Clocks: every process reads the same
 * system clock ({@code System.currentTimeMillis()}, and the emulator's {@code Clock.systemUTC()}), so times are
 * comparable as they are; a task's creation is stamped by the emulator between the harness's sending the Create and
 * receiving its answer, so its end is taken as the midpoint plus 3 steps, known within half that round trip
 * (reported). A subscriber that arrived after its task had ended is left out of the delays (counted): it would have
 * added a delay near zero.
 *
 * <p><b>Faults</b> ({@code --faults}: all four, or a list of {@code kill,redis,redis-local,state}), each with
 * {@code --fault-replicas} (3) replicas, sharing on: {@code kill} SIGKILLs, mid-run, the replica that has just taken
 * a poll slot (its {@code POLL} line, printed before its request), and checks which slots it left held; {@code redis}
 * stops Redis for {@code --outage-s} (10) s mid-run and starts it again, empty, on the same port, the replicas' limiter
 * failing closed meanwhile (the library's default); {@code redis-local} the same with the limiter falling back to a
 * local bucket of 19/3 per second ({@code RedisRateLimiter.Builder.fallBackLocally(3)}); {@code state} writes states
 * by hand into the state keys of tasks in flight: a regressed state signed with the account's key, a genuine state
 * tampered to say {@code finished} (its MAC no longer matches), and a value that is not the library's layout (see
 * {@code Run.writeStatesByHand}).
 *
 * <p>Usage: {@code java -cp ... dev.dbbrain.benchmarks.FleetWatch [--replicas 1,2,3,5 | none] [--sharing on,off]
 * [--repeat 1] [--faults | --faults kill,redis,redis-local,state] [--out DIR]}, and the workload's options above;
 * raw results go to {@code DIR} (default {@code benchmarks/results/<UTC time>-fleet/}): {@code fleet.jsonl} (one line
 * per run), {@code fleet.md} (the table and the ratios against issue 21's targets), {@code machine.txt} (with the load
 * average before and after each run), {@code commands.txt}, per run a folder with each task's end and each replica's
 * delay and arrival ({@code tasks.tsv}), each replica's polls for the fleet ({@code polls-N.txt}) and its output;
 * and the charts {@code fleet-describes.svg} and {@code fleet-delay.svg}.
 */
public final class FleetWatch {

    static final String DESCRIBE = "DescribeProxySessionKillTasks";
    /** The logger of the sharing's outage warning and its end. */
    static final String SHARING_LOGGER = "dev.dbbrain.reactive.WatchSharing";
    /** No delay: every subscriber of that replica arrived after the task had ended. */
    private static final long NONE = Long.MIN_VALUE;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private FleetWatch() {
    }

    /** The workload and the replicas' settings, the same for every run of an invocation. */
    record Settings(int tasks, int instances, int subscribers, long windowMillis, long stepMillis, long latencyMillis,
            long spreadMillis, long intervalMillis, boolean intervalGiven, long leaseMillis, boolean leaseGiven,
            long seed, String limiterOutage, String replicaHeap, int warmupTasks, long outageMillis) {

        static Settings of(Map<String, String> o) {
            return new Settings(Integer.parseInt(o.getOrDefault("tasks", "200")),
                    Integer.parseInt(o.getOrDefault("instances", "40")),
                    Integer.parseInt(o.getOrDefault("subscribers", "10")),
                    Long.parseLong(o.getOrDefault("window-s", "60")) * 1000,
                    Long.parseLong(o.getOrDefault("step-ms", "333")),
                    Long.parseLong(o.getOrDefault("latency-ms", "100")),
                    Long.parseLong(o.getOrDefault("arrival-spread-ms", "1000")),
                    Long.parseLong(o.getOrDefault("interval-ms", "1000")), o.containsKey("interval-ms"),
                    Long.parseLong(o.getOrDefault("lease-ms", "3000")), o.containsKey("lease-ms"),
                    Long.parseLong(o.getOrDefault("seed", "21")),
                    o.getOrDefault("limiter-outage", "closed"),
                    o.getOrDefault("replica-heap", "192m"),
                    Integer.parseInt(o.getOrDefault("warmup-tasks", "10")),
                    Long.parseLong(o.getOrDefault("outage-s", "10")) * 1000);
        }

        long taskMillis() {
            return 3 * stepMillis;
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = Options.parse(args);
        Settings s = Settings.of(o);
        String countsOption = o.getOrDefault("replicas", "1,2,3,5");
        List<Integer> counts = countsOption.equals("none") ? List.of() : Arrays.stream(countsOption.split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        List<String> modes = Arrays.stream(o.getOrDefault("sharing", "on,off").split(",")).map(String::trim).toList();
        String faultOption = o.getOrDefault("faults", "");
        List<String> faults = faultOption.isEmpty() || faultOption.equals("false") ? List.of()
                : faultOption.equals("true") ? List.of("kill", "redis", "redis-local", "state")
                : Arrays.stream(faultOption.split(",")).map(String::trim).toList();
        int repeat = Integer.parseInt(o.getOrDefault("repeat", "1"));
        int faultReplicas = Integer.parseInt(o.getOrDefault("fault-replicas", "3"));
        Path dir = Path.of(o.getOrDefault("out", "benchmarks/results/"
                + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now())
                + "-fleet"));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("commands.txt"), "java -cp \"$CP\" " + FleetWatch.class.getName() + " "
                + String.join(" ", args) + "\n", StandardCharsets.UTF_8);
        Path machine = dir.resolve("machine.txt");
        Files.writeString(machine, machineDescription(), StandardCharsets.UTF_8);
        Path jsonl = dir.resolve("fleet.jsonl");
        List<Map<String, Object>> results = new ArrayList<>();
        try (RedisServer redis = RedisServer.start()) {
            append(machine, "redis-server: " + redis.describe());
            append(machine, "load average at start: " + loadAverage());
            System.out.printf("# fleet watch: %d tasks on %d instances, %d subscribers per task per replica, over"
                    + " %d s; %s; results in %s%n", s.tasks, s.instances, s.subscribers, s.windowMillis / 1000,
                    JvmProbe.machine(), dir);
            List<Run> runs = new ArrayList<>();
            for (int r = 1; r <= repeat; r++) {
                for (int n : counts) {
                    for (String mode : modes) {
                        runs.add(new Run(s, redis, dir, n, mode.equals("on"), null, r));
                    }
                }
            }
            for (String fault : faults) {
                runs.add(new Run(s, redis, dir, faultReplicas, true, fault, 1));
            }
            for (Run run : runs) {
                Map<String, Object> result = run.execute();
                results.add(result);
                String line = JSON.writeValueAsString(result);
                Files.writeString(jsonl, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                System.out.println(run.name + ": " + summaryLine(result));
                append(machine, "load average after " + run.name + ": " + loadAverage());
            }
        }
        append(machine, "finished " + Instant.now());
        String table = FleetTable.markdown(results, s);
        Files.writeString(dir.resolve("fleet.md"), table, StandardCharsets.UTF_8);
        System.out.println(table);
        Charts.main(new String[] {dir.toString()});
        System.exit(0);
    }

    private static String summaryLine(Map<String, Object> r) {
        return String.format(Locale.ROOT, "%s Describes in %.1f s (%.2f/s, most in a second %s), delay p50 %s p95 %s"
                + " max %s ms, %s/%s subscribers saw the terminal state, errors %s, load %s -> %s",
                r.get("describes"), ((Number) r.get("runSeconds")).doubleValue(),
                ((Number) r.get("describesPerSecond")).doubleValue(), r.get("maxDescribesInOneSecond"),
                r.get("delayP50Millis"), r.get("delayP95Millis"), r.get("delayMaxMillis"), r.get("sawTerminal"),
                r.get("subscriberCount"), r.get("watchErrors"), r.get("loadBefore"), r.get("loadAfter"));
    }

    static String machineDescription() throws IOException, InterruptedException {
        StringBuilder m = new StringBuilder();
        m.append("started ").append(Instant.now()).append('\n');
        m.append("nproc ").append(Runtime.getRuntime().availableProcessors()).append('\n');
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                m.append(line).append('\n');
                break;
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal")) {
                m.append(line).append('\n');
            }
        }
        m.append("java ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append('\n');
        Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
        String commit = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        git.waitFor(10, TimeUnit.SECONDS);
        m.append("commit ").append(git.exitValue() == 0 ? commit : "unknown").append('\n');
        return m.toString();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void append(Path file, String line) throws IOException {
        Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** A task the harness created: where, its ID, and when the emulator stamped its creation (within the window). */
    record Task(int index, String instanceId, long id, long sentAt, long receivedAt) {
        long createdAt() {
            return (sentAt + receivedAt) / 2;
        }

        long uncertainty() {
            return (receivedAt - sentAt + 1) / 2;
        }
    }

    /** One run: a fresh emulator, an emptied Redis, N replica processes, the tasks, the figures. */
    static final class Run {
        final Settings s;
        final RedisServer redis;
        final int replicas;
        final boolean sharing;
        final String fault;
        final String name;
        final Path dir;
        final int repetition;
        /** The replicas' Redis limiter while Redis is down: closed (the library's default) or local. */
        final String limiterOutage;
        final List<ReplicaProcess> fleet = new ArrayList<>();
        final Map<Long, Task> tasks = Collections.synchronizedMap(new LinkedHashMap<>());
        final BlockingQueue<String[]> polls = new LinkedBlockingQueue<>();
        final Map<String, Object> faultReport = Collections.synchronizedMap(new LinkedHashMap<>());
        final AtomicInteger createErrors = new AtomicInteger();
        /** When the warm-up was over: what the replicas logged before is counted apart. */
        volatile long measuredFrom = Long.MAX_VALUE;
        final SharedStateForger forger = new SharedStateForger(EmulatorProcess.SECRET_ID,
                EmulatorProcess.SECRET_KEY);

        Run(Settings s, RedisServer redis, Path parent, int replicas, boolean sharing, String fault, int repetition) {
            this.s = s;
            this.redis = redis;
            this.replicas = replicas;
            this.sharing = sharing;
            this.fault = fault;
            this.repetition = repetition;
            this.limiterOutage = "redis-local".equals(fault) ? "local" : s.limiterOutage;
            this.name = (fault == null ? "" : "fault-" + fault + "-") + replicas + "-replicas-sharing-"
                    + (sharing ? "on" : "off") + (repetition > 1 ? "-run" + repetition : "");
            this.dir = parent.resolve(name);
        }

        Map<String, Object> execute() throws Exception {
            Files.createDirectories(dir);
            String loadBefore = loadAverage();
            redis.admin().flushall();
            Map<String, String> emulatorOptions = new LinkedHashMap<>();
            emulatorOptions.put("xmx", "256m");
            emulatorOptions.put("rate-limit", "20");
            emulatorOptions.put("proxies", "1");
            emulatorOptions.put("step-ms", Long.toString(s.stepMillis));
            emulatorOptions.put("latency-ms", Long.toString(s.latencyMillis));
            System.out.printf("%s: starting (load %s)%n", name, loadBefore);
            long startedAt = System.currentTimeMillis();
            // The replicas' JVMs start while the emulator's does; each waits for the port before warming up.
            int port = freePort();
            emulatorOptions.put("port", Integer.toString(port));
            java.util.concurrent.CompletableFuture<EmulatorProcess.Handle> starting =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return EmulatorProcess.start(emulatorOptions);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
            for (int i = 0; i < replicas; i++) {
                fleet.add(ReplicaProcess.start(this, i, "http://127.0.0.1:" + port));
            }
            try (EmulatorProcess.Handle emulator = starting.get(3, TimeUnit.MINUTES)) {
                phase("emulator ready", startedAt);
                for (ReplicaProcess r : fleet) {
                    r.awaitReady();
                }
                phase("replicas ready", startedAt);
                warmUp(emulator.endpoint);
                measuredFrom = System.currentTimeMillis();
                phase("warmed up", startedAt);
                JsonNode before = JSON.readTree(emulator.statsJson());
                long describesBefore = before.path("requests").path(DESCRIBE).asLong();
                Thread faultThread = null;
                long firstCreate;
                ExecutorService announcer = Executors.newSingleThreadExecutor();
                try (DbbrainClient creator = DbbrainClient.builder().endpoint(emulator.endpoint)
                        .credentials(Credentials.of(EmulatorProcess.SECRET_ID, EmulatorProcess.SECRET_KEY))
                        .rateLimiter(RateLimiter.unlimited()).build()) {
                    List<String> order = instanceOrder();
                    double period = (double) s.windowMillis / s.tasks;
                    firstCreate = System.currentTimeMillis() + 200;
                    CountDownLatch created = new CountDownLatch(s.tasks);
                    for (int k = 0; k < s.tasks; k++) {
                        sleepUntil(firstCreate + (long) (k * period));
                        if (fault != null && k == s.tasks / 2 && !fault.equals("state")) {
                            faultThread = startFault(fault);
                        }
                        if (fault != null && fault.equals("state") && k == (int) (s.tasks * 0.3)) {
                            faultThread = startFault(fault);
                        }
                        int index = k;
                        String instance = order.get(k);
                        long sent = System.currentTimeMillis();
                        creator.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(instance))
                                .subscribe(answer -> {
                                    Task t = new Task(index, instance, answer.asyncRequestId(), sent,
                                            System.currentTimeMillis());
                                    tasks.put(t.id, t);
                                    announcer.execute(() -> fleet.forEach(r -> r.send("TASK " + instance + ' '
                                            + t.id)));
                                    created.countDown();
                                }, error -> {
                                    createErrors.incrementAndGet();
                                    System.err.println("Create failed: " + error);
                                    created.countDown();
                                });
                    }
                    created.await(60, TimeUnit.SECONDS);
                }
                announcer.submit(() -> fleet.forEach(r -> r.send("NOMORE"))).get();
                announcer.shutdown();
                if (faultThread != null) {
                    faultThread.join(TimeUnit.MINUTES.toMillis(2));
                }
                long giveUpAt = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(5);
                for (ReplicaProcess r : fleet) {
                    if (!r.killed) {
                        r.awaitAllDone(giveUpAt);
                    }
                }
                phase("every watch ended", startedAt);
                JsonNode after = JSON.readTree(emulator.statsJson());
                for (ReplicaProcess r : fleet) {
                    r.exit();
                }
                phase("replicas exited", startedAt);
                return figures(describesBefore, after, firstCreate, loadBefore);
            } finally {
                for (ReplicaProcess r : fleet) {
                    r.process.destroyForcibly();
                }
            }
        }

        /**
         * Warms the replicas up the way a service that has been running is: every replica follows {@code
         * --warmup-tasks} (10) tasks on instances of their own, created over 2 s, to their end; the run starts once
         * no watch is open anywhere. Without it, the first tasks of a run measure class loading, the JIT compiler and
         * each Redis script's first load in cold JVMs.
         */
        private void warmUp(String endpoint) throws Exception {
            int count = s.warmupTasks;
            try (DbbrainClient creator = DbbrainClient.builder().endpoint(endpoint)
                    .credentials(Credentials.of(EmulatorProcess.SECRET_ID, EmulatorProcess.SECRET_KEY))
                    .rateLimiter(RateLimiter.unlimited()).build()) {
                long start = System.currentTimeMillis();
                for (int k = 0; k < count; k++) {
                    sleepUntil(start + k * 2000L / Math.max(1, count));
                    String instance = String.format("crs-warm%04d", k);
                    long id = creator.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(instance))
                            .block(java.time.Duration.ofSeconds(30)).asyncRequestId();
                    fleet.forEach(r -> r.send("TASK " + instance + ' ' + id));
                }
            }
            for (ReplicaProcess r : fleet) {
                r.idle.set(new CountDownLatch(1));
                r.send("IDLE?");
            }
            for (ReplicaProcess r : fleet) {
                if (!r.idle.get().await(2, TimeUnit.MINUTES)) {
                    throw new IOException("replica " + r.index + " of " + name + " still watching 2 minutes after"
                            + " its warm-up");
                }
            }
            sleep(1000);
        }

        private void phase(String what, long startedAt) {
            System.out.printf("  %s: %s after %.1f s%n", name, what, (System.currentTimeMillis() - startedAt) / 1e3);
        }

        /** Five tasks per instance, in an order shuffled with the seed: the same for every run. */
        private List<String> instanceOrder() {
            List<String> order = new ArrayList<>();
            for (int k = 0; k < s.tasks; k++) {
                order.add(String.format("crs-fleet%03d", k % s.instances));
            }
            Collections.shuffle(order, new Random(s.seed));
            return order;
        }

        private Thread startFault(String kind) {
            Runnable body = switch (kind) {
                case "kill" -> this::killSlotHolder;
                case "redis", "redis-local" -> this::stopRedis;
                case "state" -> this::writeStatesByHand;
                default -> throw new IllegalArgumentException("unknown fault " + kind
                        + " (kill, redis, redis-local, state)");
            };
            Thread t = new Thread(() -> {
                try {
                    body.run();
                } catch (RuntimeException e) {
                    faultReport.put("faultError", e.toString());
                    e.printStackTrace();
                }
            }, "fault-" + kind);
            t.start();
            return t;
        }

        /**
         * SIGKILLs the replica that takes the next poll slot, right after it said so (before its request, which
         * takes the emulator's latency at least), then looks at the slots of that instance: those still held under
         * the same token 1.5 s later (a live holder publishes and gives them back within its request) were the dead
         * replica's.
         */
        private void killSlotHolder() {
            polls.clear();
            String[] poll;
            try {
                poll = polls.poll(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (poll == null) {
                faultReport.put("faultError", "no replica took a poll slot within 30 s");
                return;
            }
            ReplicaProcess victim = fleet.get(Integer.parseInt(poll[0]));
            victim.killed = true;
            victim.process.destroyForcibly(); // SIGKILL
            long killedAt = System.currentTimeMillis();
            String instance = poll[1];
            Map<String, String> slots = slotValues(instance);
            sleep(1500);
            Map<String, String> later = slotValues(instance);
            List<Long> orphaned = new ArrayList<>();
            slots.forEach((key, value) -> {
                if (value.equals(later.get(key))) {
                    orphaned.add(Long.parseLong(key.substring(key.lastIndexOf(':') + 1)));
                }
            });
            faultReport.put("victim", victim.index);
            faultReport.put("killedAt", killedAt);
            faultReport.put("pollSaidAt", Long.parseLong(poll[3]));
            faultReport.put("killedAfterPollLineMillis", killedAt - Long.parseLong(poll[3]));
            faultReport.put("instance", instance);
            faultReport.put("slotsHeldAtKill", slots.size());
            faultReport.put("orphanedTasks", orphaned);
            System.out.printf("  killed replica %d (SIGKILL) %d ms after it took a slot of %s; slots left held: %s%n",
                    victim.index, killedAt - Long.parseLong(poll[3]), instance, orphaned);
        }

        private Map<String, String> slotValues(String instance) {
            Map<String, String> values = new HashMap<>();
            for (String key : redis.scan(forger.slotPattern(instance))) {
                String value = redis.admin().get(key);
                if (value != null) {
                    values.put(key, value);
                }
            }
            return values;
        }

        /** Stops Redis for {@code --outage-s} (10 s), then starts it again (empty) on the same port. */
        private void stopRedis() {
            try {
                for (ReplicaProcess r : fleet) {
                    r.markTick("atStop");
                }
                long stoppedAt = System.currentTimeMillis();
                redis.stop();
                sleep(s.outageMillis);
                redis.restart();
                long restartedAt = System.currentTimeMillis();
                for (ReplicaProcess r : fleet) {
                    r.markTick("atRestart");
                }
                faultReport.put("stoppedAt", stoppedAt);
                faultReport.put("restartedAt", restartedAt);
                faultReport.put("outageMillis", restartedAt - stoppedAt);
                System.out.printf("  Redis stopped for %d ms%n", restartedAt - stoppedAt);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * At 30%, 40%, ..., 70% of the window, three tasks in flight get a state written by hand into their state
         * key: the first of them (or of the tasks 3, 6 or 9 later: the first for which the fleet publishes a state
         * past {@code created} before the task ends), as soon as that state is published, its {@code created}
         * predecessor (the same task, proxies and creation time), signed with the account's key and dated now
         * (regressed: older than what the replica that published has seen; a replica that has seen only {@code
         * created} takes it as no change, and one whose subscribers arrive only then cannot tell it from a late
         * answer);
         * the next a genuine state of its own, one step and 100 ms after its creation, tampered to say {@code
         * finished} with progress 100, its MAC unchanged; the one after, at the same point of its life, a JSON value
         * that is not the library's layout, also saying {@code finished}.
         */
        private void writeStatesByHand() {
            List<Map<String, Object>> written = new CopyOnWriteArrayList<>();
            faultReport.put("written", written);
            redis.admin(); // opened once, shared by the writers below
            for (double at : new double[] {0.3, 0.4, 0.5, 0.6, 0.7}) {
                int first = (int) (s.tasks * at);
                // Each kind follows its own task's clock, so the three run side by side.
                Thread regressed = new Thread(() -> {
                    // Needs a task whose state the fleet published past created before it ended: the first of these.
                    for (int attempt = 0; attempt < 4; attempt++) {
                        Task t = awaitTask(first + 3 * attempt);
                        TaskInfo later = t == null ? null : firstStatePastCreated(t);
                        if (later != null) {
                            TaskInfo created = new TaskInfo(later.asyncRequestId(), later.instanceId(), "created", 0,
                                    later.instProxyList(), later.instProxyCount(), List.of(), List.of(),
                                    later.createTime(), java.util.Optional.empty(), java.util.Optional.empty());
                            write(written, t, "regressed", forger.signed(created, redis.timeMicros()));
                            return;
                        }
                    }
                    written.add(Map.of("kind", "regressed", "skipped", "no state past created published in time"));
                });
                Thread tampered = new Thread(() -> {
                    Task t = awaitTask(first + 1);
                    String genuine = t == null ? null : readAt(t, s.stepMillis + 100);
                    if (genuine != null) {
                        write(written, t, "tampered", genuine
                                .replaceFirst("\"TaskStatus\":\"[a-z]+\"", "\"TaskStatus\":\"finished\"")
                                .replaceFirst("\"Progress\":\\d+", "\"Progress\":100"));
                    } else {
                        written.add(Map.of("kind", "tampered", "skipped", "no genuine state to tamper with"));
                    }
                });
                Thread garbage = new Thread(() -> {
                    Task t = awaitTask(first + 2);
                    if (t != null) {
                        sleepUntil(t.createdAt() + s.stepMillis + 100);
                        write(written, t, "not-the-layout", "{\"Response\":{\"Tasks\":[{\"AsyncRequestId\":" + t.id
                                + ",\"TaskStatus\":\"finished\",\"Progress\":100}]}}");
                    }
                });
                List<Thread> writers = List.of(regressed, tampered, garbage);
                writers.forEach(Thread::start);
                for (Thread w : writers) {
                    try {
                        w.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            System.out.printf("  wrote %d states by hand%n", written.stream().filter(w -> !w.containsKey("skipped"))
                    .count());
        }

        private Task awaitTask(int index) {
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                synchronized (tasks) {
                    for (Task t : tasks.values()) {
                        if (t.index == index) {
                            return t;
                        }
                    }
                }
                sleep(5);
            }
            return null;
        }

        /**
         * The first state past {@code created} the fleet publishes for a task (its key read every 5 ms), or null if
         * none comes before the task ends.
         */
        private TaskInfo firstStatePastCreated(Task t) {
            while (System.currentTimeMillis() < t.createdAt() + s.taskMillis()) {
                TaskInfo state = forger.read(t.instanceId, t.id, redis.admin().get(forger.stateKey(t.instanceId,
                        t.id)));
                if (state != null && (state.status().equals("chosen") || state.status().equals("running"))) {
                    return state;
                }
                sleep(5);
            }
            return null;
        }

        private String readAt(Task t, long afterCreation) {
            sleepUntil(t.createdAt() + afterCreation);
            return redis.admin().get(forger.stateKey(t.instanceId, t.id));
        }

        private void write(List<Map<String, Object>> written, Task t, String kind, String value) {
            String key = forger.stateKey(t.instanceId, t.id);
            String was = redis.admin().get(key);
            redis.admin().psetex(key, 600_000, value);
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("task", t.id);
            w.put("kind", kind);
            w.put("at", System.currentTimeMillis());
            w.put("sinceCreation", System.currentTimeMillis() - t.createdAt());
            w.put("replacedStatus", was == null ? "none" : statusIn(was));
            written.add(w);
        }

        private static String statusIn(String value) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"TaskStatus\":\"([a-z]+)\"").matcher(value);
            return m.find() ? m.group(1) : "?";
        }

        /** Reads the replicas' results and turns them into the run's figures. */
        private Map<String, Object> figures(long describesBefore, JsonNode after, long firstCreate,
                String loadBefore) throws IOException {
            long describes = after.path("requests").path(DESCRIBE).asLong() - describesBefore;
            List<Long> delays = new ArrayList<>();
            long lastSeen = 0;
            int subscriberCount = 0;
            int sawTerminal = 0;
            int errors = 0;
            int arrivedAfterEnd = 0;
            int backwards = 0;
            int early = 0;
            Map<String, Integer> errorKinds = new LinkedHashMap<>();
            List<Map<String, Object>> perReplica = new ArrayList<>();
            // task id -> per replica: the latest delay among its subscribers (ms); NONE: all arrived after the end
            Map<Long, long[]> taskDelays = new HashMap<>();
            // task id -> per replica: when its subscribers arrived (they arrive together); NONE: not recorded
            Map<Long, long[]> arrivals = new HashMap<>();
            for (ReplicaProcess r : fleet) {
                Map<String, Object> pr = new LinkedHashMap<>();
                pr.put("index", r.index);
                // The replica's results file is a temporary one: read once, then gone (its figures are in tasks.tsv).
                List<String> lines = r.killed ? List.of() : Files.readAllLines(r.results, StandardCharsets.UTF_8);
                Files.deleteIfExists(r.results);
                if (r.killed) {
                    pr.put("killed", true);
                    perReplica.add(pr);
                    continue;
                }
                List<Long> mine = new ArrayList<>();
                for (String line : lines) {
                    String[] f = line.split(" ");
                    long id = Long.parseLong(f[1]);
                    Task t = tasks.get(id);
                    if (t == null) {
                        continue; // a warm-up task
                    }
                    long arrivedAt = Long.parseLong(f[3]);
                    long seenAt = Long.parseLong(f[4]);
                    arrivals.computeIfAbsent(id, k -> {
                        long[] none = new long[replicas];
                        Arrays.fill(none, NONE);
                        return none;
                    })[r.index] = arrivedAt;
                    String error = f[8];
                    subscriberCount++;
                    long endAt = t.createdAt() + s.taskMillis();
                    if (Integer.parseInt(f[7]) == 1) {
                        backwards++;
                    }
                    if (!error.equals("-")) {
                        errors++;
                        errorKinds.merge(error, 1, Integer::sum);
                    }
                    if (seenAt == 0) {
                        continue;
                    }
                    sawTerminal++;
                    lastSeen = Math.max(lastSeen, seenAt);
                    if (seenAt < endAt - t.uncertainty() - 2) {
                        early++;
                    }
                    if (arrivedAt > endAt) {
                        arrivedAfterEnd++;
                        continue;
                    }
                    long delay = seenAt - endAt;
                    delays.add(delay);
                    mine.add(delay);
                    long[] byReplica = taskDelays.computeIfAbsent(id, k -> {
                        long[] none = new long[replicas];
                        Arrays.fill(none, NONE);
                        return none;
                    });
                    byReplica[r.index] = Math.max(byReplica[r.index], delay);
                }
                long[] sorted = mine.stream().mapToLong(Long::longValue).sorted().toArray();
                pr.put("delayP50Millis", JvmProbe.percentile(sorted, 50));
                pr.put("delayP95Millis", JvmProbe.percentile(sorted, 95));
                pr.put("delayMaxMillis", sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
                pr.put("stats", r.finalStats == null ? null : JSON.readTree(r.finalStats));
                pr.put("sharingWarnings", r.count("WARNING", SHARING_LOGGER, true));
                pr.put("sharingResumed", r.count("INFO", SHARING_LOGGER, true));
                pr.put("sharingWarningsWarmingUp", r.count("WARNING", SHARING_LOGGER, false));
                pr.put("otherWarnings", r.countOtherWarnings(SHARING_LOGGER));
                pr.put("polls", r.pollLines.get());
                pr.put("rejectedByReason", new java.util.TreeMap<>(r.rejected));
                pr.put("ticks", r.marks);
                perReplica.add(pr);
            }
            long[] sorted = delays.stream().mapToLong(Long::longValue).sorted().toArray();
            double runSeconds = (lastSeen - firstCreate) / 1e3;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("run", name);
            r.put("replicas", replicas);
            r.put("sharing", sharing);
            r.put("fault", fault);
            r.put("repetition", repetition);
            r.put("tasks", tasks.size());
            r.put("createErrors", createErrors.get());
            r.put("instances", s.instances);
            r.put("subscribersPerTask", s.subscribers);
            r.put("windowSeconds", s.windowMillis / 1000.0);
            r.put("stepMillis", s.stepMillis);
            r.put("latencyMillis", s.latencyMillis);
            r.put("intervalMillis", s.intervalMillis);
            r.put("leaseMillis", s.leaseMillis);
            r.put("arrivalSpreadMillis", s.spreadMillis);
            r.put("limiterWhileRedisIsDown", limiterOutage.equals("local") ? "local bucket, 19/s / replicas"
                    : "fail closed (default)");
            r.put("describes", describes);
            r.put("runSeconds", round(runSeconds));
            r.put("describesPerSecond", round(describes / Math.max(runSeconds, 1e-3)));
            r.put("maxDescribesInOneSecond", after.path("maxRequestsInOneSecond").path(DESCRIBE).asInt());
            r.put("throttled", after.path("errors").path("RequestLimitExceeded").asLong());
            r.put("subscriberCount", subscriberCount);
            r.put("sawTerminal", sawTerminal);
            r.put("watchErrors", errors);
            r.put("watchErrorKinds", errorKinds);
            r.put("arrivedAfterEnd", arrivedAfterEnd);
            r.put("backwards", backwards);
            r.put("terminalBeforeEnd", early);
            r.put("delayCount", sorted.length);
            r.put("delayP50Millis", JvmProbe.percentile(sorted, 50));
            r.put("delayP95Millis", JvmProbe.percentile(sorted, 95));
            r.put("delayMaxMillis", sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
            r.put("delayMeanMillis", round(Arrays.stream(sorted).average().orElse(0)));
            r.put("endUncertaintyMeanMillis", round(tasks.values().stream().mapToLong(Task::uncertainty).average()
                    .orElse(0)));
            if (fault != null) {
                r.put("faultReport", faultDetails(taskDelays));
            }
            r.put("perReplica", perReplica);
            r.put("loadBefore", loadBefore);
            r.put("loadAfter", loadAverage());
            writeTaskTable(taskDelays, arrivals);
            return r;
        }

        /** The fault's own figures: for the killed holder, what the tasks it held cost; for the states, theirs. */
        private Map<String, Object> faultDetails(Map<Long, long[]> taskDelays) {
            Map<String, Object> f = new LinkedHashMap<>(faultReport);
            List<Long> ids = new ArrayList<>();
            if (f.get("orphanedTasks") instanceof List<?> orphaned) {
                orphaned.forEach(id -> ids.add((Long) id));
            }
            if (f.get("written") instanceof List<?> written) {
                for (Object w : written) {
                    if (((Map<?, ?>) w).get("task") instanceof Long id) {
                        ids.add(id);
                    }
                }
            }
            Map<String, Object> affected = new LinkedHashMap<>();
            for (long id : ids) {
                long[] d = taskDelays.get(id);
                affected.put(Long.toString(id), d == null ? null : Arrays.stream(d).mapToObj(v -> v == NONE ? null
                        : v).toList());
            }
            f.put("delayOfAffectedTasksPerReplicaMillis", affected);
            if (f.get("killedAt") instanceof Long killedAt) {
                // For the tasks the dead replica held: from the SIGKILL to each survivor seeing the terminal state.
                Map<String, Object> sinceKill = new LinkedHashMap<>();
                for (long id : ids) {
                    long[] d = taskDelays.get(id);
                    Task t = tasks.get(id);
                    if (d != null && t != null) {
                        List<Long> perReplica = new ArrayList<>();
                        for (ReplicaProcess r : fleet) {
                            perReplica.add(r.killed || d[r.index] == NONE ? null
                                    : d[r.index] + t.createdAt() + s.taskMillis() - killedAt);
                        }
                        sinceKill.put(Long.toString(id), perReplica);
                    }
                }
                f.put("killToTerminalSeenPerReplicaMillis", sinceKill);
                f.put("boundLeasePlusIntervalMillis", s.leaseMillis + s.intervalMillis);
            }
            return f;
        }

        /**
         * Writes {@code tasks.tsv}: per task, its instance, its Create's round trip, its end, and per replica the
         * latest delay among its subscribers and when they arrived, in milliseconds after the task's creation (the
         * fleet starts polling a task at its earliest arrival, a single replica at its own).
         */
        private void writeTaskTable(Map<Long, long[]> taskDelays, Map<Long, long[]> arrivals) throws IOException {
            try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(dir.resolve("tasks.tsv"),
                    StandardCharsets.UTF_8))) {
                StringBuilder header = new StringBuilder("task\tinstance\tcreateSentAt\tcreateAnsweredAt\tendAt");
                for (int i = 0; i < replicas; i++) {
                    header.append("\tdelayMs.replica").append(i);
                }
                for (int i = 0; i < replicas; i++) {
                    header.append("\tarrivedMs.replica").append(i);
                }
                out.println(header);
                for (Task t : tasks.values()) {
                    StringBuilder line = new StringBuilder().append(t.id).append('\t').append(t.instanceId)
                            .append('\t').append(t.sentAt).append('\t').append(t.receivedAt).append('\t')
                            .append(t.createdAt() + s.taskMillis());
                    long[] d = taskDelays.get(t.id);
                    for (int i = 0; i < replicas; i++) {
                        line.append('\t').append(d == null || d[i] == NONE || fleet.get(i).killed ? "-"
                                : Long.toString(d[i]));
                    }
                    long[] a = arrivals.get(t.id);
                    for (int i = 0; i < replicas; i++) {
                        line.append('\t').append(a == null || a[i] == NONE ? "-"
                                : Long.toString(a[i] - t.createdAt()));
                    }
                    out.println(line);
                }
            }
        }
    }

    /** A replica process seen from the harness: its pipes, what it said, and when. */
    static final class ReplicaProcess {
        final Run run;
        final int index;
        final Process process;
        final PrintWriter in;
        final Path results;
        final CountDownLatch ready = new CountDownLatch(1);
        final CountDownLatch allDone = new CountDownLatch(1);
        final CountDownLatch stats = new CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicReference<CountDownLatch> idle =
                new java.util.concurrent.atomic.AtomicReference<>(new CountDownLatch(1));
        final List<String> logs = new CopyOnWriteArrayList<>();
        final AtomicLong pollLines = new AtomicLong();
        /** States this replica read from the fleet and ignored, by reason. */
        final Map<String, Integer> rejected = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<String, String> marks = Collections.synchronizedMap(new LinkedHashMap<>());
        volatile String lastTick;
        volatile String finalStats;
        volatile boolean killed;

        private ReplicaProcess(Run run, int index, Process process, Path results) {
            this.run = run;
            this.index = index;
            this.process = process;
            this.results = results;
            this.in = new PrintWriter(process.getOutputStream(), false, StandardCharsets.UTF_8);
        }

        static ReplicaProcess start(Run run, int index, String endpoint) throws IOException {
            Settings s = run.s;
            Path results = Files.createTempFile("fleet-replica-" + index, ".txt");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + s.replicaHeap,
                    "-cp", System.getProperty("java.class.path"), FleetReplica.class.getName(),
                    "--endpoint", endpoint, "--redis", run.redis.uri(), "--sharing", run.sharing ? "on" : "off",
                    "--index", Integer.toString(index), "--replicas", Integer.toString(run.replicas),
                    "--subscribers", Integer.toString(s.subscribers),
                    "--arrival-spread-ms", Long.toString(s.spreadMillis), "--seed", Long.toString(s.seed),
                    "--limiter-outage", run.limiterOutage, "--out", results.toString()));
            if (s.intervalGiven) {
                command.addAll(List.of("--interval-ms", Long.toString(s.intervalMillis)));
            }
            if (s.leaseGiven) {
                command.addAll(List.of("--lease-ms", Long.toString(s.leaseMillis)));
            }
            Process process = new ProcessBuilder(command)
                    .redirectError(run.dir.resolve("replica-" + index + ".err").toFile()).start();
            ReplicaProcess r = new ReplicaProcess(run, index, process, results);
            Thread reader = new Thread(r::read, "replica-" + index + "-out");
            reader.setDaemon(true);
            reader.start();
            return r;
        }

        /**
         * Dispatches the replica's lines; keeps its POLL lines ({@code instance tasks millis}: the Describes it sent
         * for the fleet) in {@code polls-N.txt}, and all but those and its TICK lines in {@code replica-N.out}.
         */
        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
                    PrintWriter out = new PrintWriter(Files.newBufferedWriter(run.dir.resolve("replica-" + index
                            + ".out"), StandardCharsets.UTF_8), true);
                    PrintWriter pollLog = new PrintWriter(Files.newBufferedWriter(run.dir.resolve("polls-" + index
                            + ".txt"), StandardCharsets.UTF_8), true)) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("POLL ")) {
                        pollLines.incrementAndGet();
                        pollLog.println(line.substring(5));
                        String[] f = line.split(" ");
                        run.polls.offer(new String[] {Integer.toString(index), f[1], f[2], f[3]});
                        continue;
                    }
                    if (line.startsWith("TICK ")) {
                        lastTick = line.substring(5);
                        continue;
                    }
                    out.println(line);
                    if (line.equals("READY")) {
                        ready.countDown();
                    } else if (line.equals("IDLE")) {
                        idle.get().countDown();
                    } else if (line.startsWith("ALLDONE")) {
                        allDone.countDown();
                    } else if (line.startsWith("STATS ")) {
                        finalStats = line.substring(6);
                        stats.countDown();
                    } else if (line.startsWith("LOG ")) {
                        logs.add(line);
                    } else if (line.startsWith("REJECT ")) {
                        rejected.merge(line.split(" ")[3], 1, Integer::sum);
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        }

        void awaitReady() throws InterruptedException, IOException {
            if (!ready.await(3, TimeUnit.MINUTES)) {
                throw new IOException("replica " + index + " of " + run.name + " not ready in 3 minutes");
            }
        }

        void awaitAllDone(long giveUpAt) throws InterruptedException {
            if (!allDone.await(Math.max(1, giveUpAt - System.currentTimeMillis()), TimeUnit.MILLISECONDS)) {
                System.err.println("replica " + index + " of " + run.name + ": not every watch ended in time");
            }
        }

        void exit() throws InterruptedException {
            if (killed) {
                return;
            }
            send("EXIT");
            stats.await(60, TimeUnit.SECONDS);
            process.waitFor(30, TimeUnit.SECONDS);
        }

        synchronized void send(String line) {
            if (killed) {
                return;
            }
            in.println(line);
            in.flush();
        }

        void markTick(String when) {
            marks.put(when, lastTick);
        }

        /** Records of a logger at a level, logged during the measured run ({@code true}) or while warming up. */
        long count(String level, String logger, boolean measured) {
            return logs.stream().filter(l -> l.startsWith("LOG " + level + " " + logger + " ")
                    && (millis(l) >= run.measuredFrom) == measured).count();
        }

        /** Warnings of the library's other loggers (the Redis limiter's) during the measured run. */
        long countOtherWarnings(String except) {
            return logs.stream().filter(l -> l.startsWith("LOG WARNING ") && !l.startsWith("LOG WARNING " + except
                    + " ") && millis(l) >= run.measuredFrom).count();
        }

        private static long millis(String logLine) {
            return Long.parseLong(logLine.split(" ", 5)[3]);
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static void sleepUntil(long millis) {
        long wait = millis - System.currentTimeMillis();
        if (wait > 0) {
            sleep(wait);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static double round(double value) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.3f", value));
    }
}
