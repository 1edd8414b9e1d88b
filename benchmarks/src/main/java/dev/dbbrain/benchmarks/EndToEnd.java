package dev.dbbrain.benchmarks;

import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import com.tencentcloudapi.dbbrain.v20210527.models.DescribeProxySessionKillTasksRequest;
import com.tencentcloudapi.dbbrain.v20210527.models.DescribeProxySessionKillTasksResponse;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Describe calls against the emulator (its own process, rate limit off, no faults), the official SDK against ours,
 * at concurrency 1, 16, 64 and 256. Each (client, concurrency) runs in a fresh JVM so that threads and allocation
 * are that client's alone: warm-up, then a timed window in which every call's latency is recorded. One run of each
 * client, not counted, warms the emulator up first.
 *
 * <p>The SDK reaches the emulator through its HTTP proxy setting with protocol {@code http://}, so it signs for
 * {@code dbbrain.tencentcloudapi.com} as in production and sends {@code POST http://dbbrain.tencentcloudapi.com/};
 * it calls from one thread per concurrent call, its only way. Ours runs {@code concurrency} call loops on its event
 * loops, with no rate limiter and a pool of at least {@code concurrency} connections.
 *
 * <p>{@code --cpu-hogs 0,4} runs the whole comparison once per number of busy-looping processes ({@link CpuHogs}):
 * first quiet, then with four processes competing for the cores, as a WebFlux application's host rarely is quiet.
 * By default ({@code --hogs-from warm}) each measured JVM warms up quiet, and the hogs start 5 s before its measured
 * window (from this process, so the measured JVM counts no thread of theirs): a long-running application meets a busy host warm, and a JIT compiler starved of the cores
 * during warm-up would otherwise be counted in the cost per call (it was: see RESULTS.md). {@code --hogs-from start}
 * starts them before the measured JVM, to see that cold start under contention.
 * Each child also reports its context switches (voluntary: a thread parked and was woken; involuntary: the kernel
 * took its core away) and, for ours, how many calls completed on another thread than the one that started them.
 * {@code --profile DIR} writes an async-profiler CPU flame graph of each measured window to DIR;
 * {@code --jvm-args "..."} passes options (a JFR recording, say) to the measured JVMs.
 *
 * <p>Usage: {@code EndToEnd [--concurrency 1,16,64,256] [--cpu-hogs 0] [--warmup-s 20] [--measure-s 10]
 * [--clients sdk,ours] [--hogs-from warm|start] [--profile DIR] [--profile-event cpu] [--perf-stat true] [--jvm-args "..."]
 * [--warm-emulator true] [--out FILE]}.
 */
public final class EndToEnd {

    private static final String INSTANCE = EmulatorProcess.instanceId(0);
    /** How long calls go on after the measured window, so that everything is still running when it is read. */
    private static final long TAIL_NANOS = 2_000_000_000L;

    private EndToEnd() {
    }

    /**
     * Runs every (concurrency, client) pair, prints a table and writes the raw lines to {@code --out}.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        if (options.containsKey("client")) {
            runOne(options);
            return;
        }
        int[] levels = Arrays.stream(options.getOrDefault("concurrency", "1,16,64,256").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int[] hogCounts = Arrays.stream(options.getOrDefault("cpu-hogs", "0").split(","))
                .mapToInt(Integer::parseInt).toArray();
        Path taskFile = Files.createTempFile("e2e-tasks", ".txt");
        Map<String, String> emulatorOptions = new LinkedHashMap<>();
        emulatorOptions.put("rate-limit", "0");
        emulatorOptions.put("proxies", "3");
        emulatorOptions.put("step-ms", "1000000");
        emulatorOptions.put("seeders", "1");
        emulatorOptions.put("seed-tasks", "1");
        emulatorOptions.put("instances", "1");
        emulatorOptions.put("tasks-file", taskFile.toString());
        List<String> lines = new ArrayList<>();
        try (EmulatorProcess.Handle emulator = EmulatorProcess.start(emulatorOptions)) {
            String task = Files.readAllLines(taskFile).get(0).split(" ")[1];
            System.out.println("# end to end, " + JvmProbe.machine() + ", emulator " + emulator.endpoint);
            // The emulator's own JIT warm-up, uncounted: otherwise the first client measured pays for it.
            Map<String, String> warmUp = new LinkedHashMap<>(options);
            warmUp.remove("profile");
            if (Boolean.parseBoolean(options.getOrDefault("warm-emulator", "true"))) {
                child(warmUp, "ours", 16, 0, emulator.endpoint, task);
                child(warmUp, "sdk", 16, 0, emulator.endpoint, task);
            }
            System.out.println(Result.HEADER);
            Map<String, Result> byKey = new LinkedHashMap<>();
            boolean hogsFromStart = options.getOrDefault("hogs-from", "warm").equals("start");
            for (int hogs : hogCounts) {
                // By default the measured JVM starts the hogs itself once it is warm (see the class comment); with
                // --hogs-from start they run from before it starts, JIT warm-up and all.
                try (CpuHogs running = CpuHogs.start(hogsFromStart ? hogs : 0)) {
                    for (int c : levels) {
                        Result sdk = null;
                        for (String client : options.getOrDefault("clients", "sdk,ours").split(",")) {
                            long emulatorCpu = emulator.cpuNanos();
                            Result r = Result.parse(child(options, client, c, hogs, emulator.endpoint, task))
                                    .withEmulatorCpu(emulator.cpuNanos() - emulatorCpu);
                            lines.add(r.json());
                            byKey.put(client + ' ' + c + ' ' + hogs, r);
                            System.out.println(r.row());
                            if (!r.perfRow().isEmpty()) {
                                System.out.println(r.perfRow());
                            }
                            if (client.equals("sdk")) {
                                sdk = r;
                            } else if (sdk != null) {
                                System.out.printf(java.util.Locale.ROOT, "  ratio ours/sdk at %d, %d hogs: throughput"
                                        + " %.2f, p50 %.2f, p99 %.2f, threads %.3f, +threads %.3f, bytes/call %.2f,"
                                        + " cpu/call %.2f%n", c, hogs, r.callsPerSecond / sdk.callsPerSecond,
                                        (double) r.p50Micros / sdk.p50Micros, (double) r.p99Micros / sdk.p99Micros,
                                        (double) r.threads / sdk.threads,
                                        (double) r.threadsAdded / Math.max(1, sdk.threadsAdded),
                                        r.bytesPerCall / sdk.bytesPerCall, r.cpuMicrosPerCall / sdk.cpuMicrosPerCall);
                            }
                        }
                    }
                }
            }
            // Loaded against quiet, each client against itself: what contention does to its cost per call.
            for (Result loaded : byKey.values()) {
                Result quiet = byKey.get(loaded.client + ' ' + loaded.concurrency + " 0");
                if (loaded.cpuHogs > 0 && quiet != null) {
                    System.out.printf(java.util.Locale.ROOT, "  %s at %d, %d hogs / quiet: cpu/call %.2f,"
                            + " calls/s %.2f, p99 %.2f%n", loaded.client, loaded.concurrency, loaded.cpuHogs,
                            loaded.cpuMicrosPerCall / quiet.cpuMicrosPerCall,
                            loaded.callsPerSecond / quiet.callsPerSecond, (double) loaded.p99Micros / quiet.p99Micros);
                }
            }
        } finally {
            Files.deleteIfExists(taskFile);
        }
        if (options.containsKey("out")) {
            Files.write(Path.of(options.get("out")), lines, StandardCharsets.UTF_8);
        }
    }

    private static String child(Map<String, String> options, String client, int concurrency, int hogs,
            String endpoint, String task) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
        String jvmArgs = options.getOrDefault("jvm-args", "").trim();
        if (!jvmArgs.isEmpty()) {
            command.addAll(List.of(jvmArgs.replace("{name}", client + "-c" + concurrency + "-h" + hogs)
                    .split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), EndToEnd.class.getName(),
                "--client", client, "--concurrency", Integer.toString(concurrency), "--endpoint", endpoint,
                "--task", task, "--hogs", Integer.toString(hogs),

                "--perf-stat", options.getOrDefault("perf-stat", "false"),
                "--warmup-s", options.getOrDefault("warmup-s", "20"),
                "--measure-s", options.getOrDefault("measure-s", "10")));
        if (options.containsKey("profile")) {
            command.addAll(List.of("--profile", Path.of(options.get("profile"), client + "-c" + concurrency + "-h"
                    + hogs).toString(), "--profile-event", options.getOrDefault("profile-event", "cpu")));
        }
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        process.getOutputStream().close();
        // Warm first, then busy (--hogs-from warm): the hogs start SETTLE before the measured window, from this
        // process, so that the measured JVM competes for the cores warm and counts no thread of theirs.
        boolean later = hogs > 0 && !options.getOrDefault("hogs-from", "warm").equals("start");
        Duration warmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup-s", "20")));
        CpuHogs[] busy = new CpuHogs[1];
        Thread starter = new Thread(() -> {
            try {
                Thread.sleep(Math.max(0, warmup.minus(SETTLE).toMillis()));
                busy[0] = CpuHogs.start(hogs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                throw new IllegalStateException("could not start the CPU hogs", e);
            }
        }, "cpu-hogs-start");
        if (later) {
            starter.start();
        }
        String result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("{")) {
                    result = line;
                }
            }
        }
        int exit = process.waitFor();
        if (later) {
            starter.interrupt();
            starter.join();
            if (busy[0] != null) {
                busy[0].close();
            }
        }
        if (exit != 0 || result == null) {
            throw new IOException(client + " at concurrency " + concurrency + " failed, exit " + exit);
        }
        return result;
    }

    /** How long the hogs run before the measured window when the measured JVM starts them. */
    private static final Duration SETTLE = Duration.ofSeconds(5);

    /** One call, from which the loop learns nothing but that it returned. */
    private interface Call {
        void run() throws Exception;
    }

    private static void runOne(Map<String, String> o) throws Exception {
        String client = o.get("client");
        int concurrency = Integer.parseInt(o.get("concurrency"));
        URI endpoint = URI.create(o.get("endpoint"));
        long task = Long.parseLong(o.get("task"));
        Duration warmup = Duration.ofSeconds(Long.parseLong(o.get("warmup-s")));
        Duration measure = Duration.ofSeconds(Long.parseLong(o.get("measure-s")));
        int baselineThreads = JvmProbe.liveThreads();
        Recorder recorder = new Recorder();
        recorder.hogs = Integer.parseInt(o.getOrDefault("hogs", "0"));

        recorder.perfStat = Boolean.parseBoolean(o.getOrDefault("perf-stat", "false"));
        if (o.containsKey("profile")) {
            recorder.profiler = WindowProfiler.load(Path.of(o.get("profile")), o.getOrDefault("profile-event", "cpu"));
        }
        if (client.equals("sdk")) {
            HttpProfile http = new HttpProfile();
            http.setProtocol("http://");
            http.setProxyHost(endpoint.getHost());
            http.setProxyPort(endpoint.getPort());
            ClientProfile profile = new ClientProfile();
            profile.setHttpProfile(http);
            com.tencentcloudapi.dbbrain.v20210527.DbbrainClient sdk =
                    new com.tencentcloudapi.dbbrain.v20210527.DbbrainClient(
                            new Credential(EmulatorProcess.SECRET_ID, EmulatorProcess.SECRET_KEY), "ap-guangzhou",
                            profile);
            Call call = () -> {
                DescribeProxySessionKillTasksRequest request = new DescribeProxySessionKillTasksRequest();
                request.setInstanceId(INSTANCE);
                request.setAsyncRequestIds(new Long[] {task});
                request.setProduct("redis");
                DescribeProxySessionKillTasksResponse response = sdk.DescribeProxySessionKillTasks(request);
                if (response.getTasks() == null || response.getTasks().length != 1) {
                    throw new IllegalStateException("unexpected answer " + response.getRequestId());
                }
            };
            threads(concurrency, call, recorder, warmup, measure);
        } else {
            try (DbbrainClient ours = DbbrainClient.builder().endpoint(endpoint.toString())
                    .credentials(Credentials.of(EmulatorProcess.SECRET_ID, EmulatorProcess.SECRET_KEY))
                    .region("ap-guangzhou").rateLimiter(RateLimiter.unlimited()).maxRetries(0)
                    .maxConnections(Math.max(50, concurrency)).build()) {
                Mono<?> call = Mono.defer(() -> {
                    Thread caller = Thread.currentThread();
                    return ours.describeProxySessionKillTasks(
                            dev.dbbrain.reactive.DescribeProxySessionKillTasksRequest.of(INSTANCE, task))
                            .doOnNext(r -> {
                                if (r.tasks().size() != 1) {
                                    throw new IllegalStateException("unexpected answer " + r.requestId());
                                }
                                if (Thread.currentThread() != caller) {
                                    recorder.hop();
                                }
                            });
                });
                loops(concurrency, call, recorder, warmup, measure);
            }
        }
        System.out.println(recorder.result(client, concurrency, baselineThreads).json());
        System.exit(0);
    }

    /** The SDK's way: {@code concurrency} threads, each calling in a loop. */
    private static void threads(int concurrency, Call call, Recorder recorder, Duration warmup, Duration measure)
            throws InterruptedException {
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(concurrency);
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + measure.toNanos();
        recorder.window(measureFrom, end);
        // Callers go on past the window so that they are all alive when its end is read: a thread that ended
        // takes its allocation counter with it.
        long stop = end + TAIL_NANOS;
        for (int i = 0; i < concurrency; i++) {
            Thread t = new Thread(() -> {
                try {
                    long now;
                    while ((now = System.nanoTime()) < stop) {
                        call.run();
                        recorder.record(now, System.nanoTime());
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                    e.printStackTrace();
                } finally {
                    done.countDown();
                }
            }, "sdk-caller-" + i);
            t.start();
        }
        recorder.sampleWhile(() -> done.getCount() > 0 ? 1 : 0);
        done.await();
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " caller(s) failed");
        }
    }

    /** Ours: {@code concurrency} call loops on the client's event loops; this thread only waits. */
    private static void loops(int concurrency, Mono<?> call, Recorder recorder, Duration warmup, Duration measure) {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + measure.toNanos();
        recorder.window(measureFrom, end);
        AtomicLong running = new AtomicLong(concurrency);
        Flux.range(0, concurrency)
                .flatMap(i -> Mono.defer(() -> {
                    long t0 = System.nanoTime();
                    return call.doOnSuccess(r -> recorder.record(t0, System.nanoTime()));
                }).repeat(() -> System.nanoTime() < end + TAIL_NANOS).then(), concurrency)
                .doFinally(s -> running.set(0))
                .subscribe(v -> { }, Throwable::printStackTrace);
        recorder.sampleWhile(running::get);
    }

    /** Latencies of the calls that started in the window, allocation and threads over the window. */
    static final class Recorder {
        private final long[] latencies = new long[20_000_000];
        private final AtomicInteger count = new AtomicInteger();
        private volatile long from;
        private volatile long to;
        private final AtomicLong allCalls = new AtomicLong();
        private Map<Long, Long> allocatedAtStart;
        private Map<Long, Long> allocatedAtEnd;
        private long cpuAtStart;
        private long cpuAtEnd;
        private long callsAtEnd;
        private int maxThreads;
        private Map<String, long[]> switchesAtStart;
        private long[] switches = new long[2];
        private final AtomicLong hops = new AtomicLong();
        private long hopsAtStart;
        private long hopsAtEnd;
        private double loadAverage;
        int hogs;
        WindowProfiler profiler;
        boolean perfStat;
        private PerfStat perf;
        private Map<String, Double> perfCounts = Map.of();
        private Map<String, Map.Entry<String, Long>> cpuByTaskAtStart;
        private Map<String, Long> cpuByKind = Map.of();

        /** A call completed on another thread than the one that subscribed to it. */
        void hop() {
            hops.incrementAndGet();
        }

        void window(long from, long to) {
            this.from = from;
            this.to = to;
        }

        void record(long startNanos, long endNanos) {
            allCalls.incrementAndGet();
            if (startNanos >= from && endNanos <= to) {
                int i = count.getAndIncrement();
                if (i < latencies.length) {
                    latencies[i] = endNanos - startNanos;
                }
            }
        }

        /** On the main thread: reads allocation at the window's edges and the live threads during it. */
        void sampleWhile(LongSupplier running) {
            while (running.getAsLong() > 0) {
                long now = System.nanoTime();
                if (allocatedAtStart == null && now >= from) {
                    allocatedAtStart = JvmProbe.allocatedBytes();
                    cpuAtStart = JvmProbe.processCpuNanos();
                    switchesAtStart = JvmProbe.contextSwitches();
                    cpuByTaskAtStart = JvmProbe.cpuByTask();
                    hopsAtStart = hops.get();
                    loadAverage = JvmProbe.loadAverage();
                    if (perfStat) {
                        perf = PerfStat.start((to - from) / 1_000_000);
                    }
                    JvmProbe.resetPeakThreads();
                    if (profiler != null) {
                        try {
                            profiler.start();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }
                if (now >= from && now < to) {
                    maxThreads = Math.max(maxThreads, JvmProbe.liveThreads());
                }
                if (now >= to && callsAtEnd == 0) {
                    end();
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (callsAtEnd == 0) {
                end();
            }
        }

        private void end() {
            allocatedAtEnd = JvmProbe.allocatedBytes();
            cpuAtEnd = JvmProbe.processCpuNanos();
            switches = JvmProbe.contextSwitchesBetween(switchesAtStart, JvmProbe.contextSwitches());
            cpuByKind = JvmProbe.cpuByKindBetween(cpuByTaskAtStart, JvmProbe.cpuByTask());
            hopsAtEnd = hops.get();
            callsAtEnd = Math.max(1, count.get());
            if (perf != null) {
                perfCounts = perf.counts();
            }
            if (profiler != null) {
                try {
                    profiler.stop();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }

        Result result(String client, int concurrency, int baselineThreads) {
            int n = Math.min(count.get(), latencies.length);
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            double seconds = (to - from) / 1e9;
            return new Result(client, concurrency, n / seconds, JvmProbe.percentile(sorted, 50) / 1000,
                    JvmProbe.percentile(sorted, 99) / 1000, Math.max(maxThreads, JvmProbe.peakThreads()),
                    Math.max(maxThreads, JvmProbe.peakThreads()) - baselineThreads,
                    (double) JvmProbe.allocatedBetween(allocatedAtStart, allocatedAtEnd) / callsAtEnd,
                    (cpuAtEnd - cpuAtStart) / 1000.0 / callsAtEnd, n, allCalls.get(), 0, hogs, loadAverage,
                    (double) switches[0] / callsAtEnd, (double) switches[1] / callsAtEnd,
                    (double) (hopsAtEnd - hopsAtStart) / callsAtEnd, perPerCall());
        }

        private Map<String, Double> perPerCall() {
            Map<String, Double> perCall = new LinkedHashMap<>();
            perfCounts.forEach((name, value) -> perCall.put(name, value / callsAtEnd));
            // CPU microseconds per call by kind of thread (jit, gc, eventLoops, callers, other).
            cpuByKind.forEach((kind, nanos) -> perCall.put("cpuUs_" + kind, nanos / 1000.0 / callsAtEnd));
            return perCall;
        }
    }

    /** One (client, concurrency, hogs) outcome. */
    record Result(String client, int concurrency, double callsPerSecond, long p50Micros, long p99Micros,
            int threads, int threadsAdded, double bytesPerCall, double cpuMicrosPerCall, long calls, long allCalls,
            double emulatorCpuMicrosPerCall, int cpuHogs, double loadAverage, double voluntarySwitchesPerCall,
            double involuntarySwitchesPerCall, double hopsPerCall, Map<String, Double> perf) {

        static final String HEADER = String.format("%-5s %5s %4s %5s %10s %9s %9s %8s %8s %11s %12s %12s %9s %9s %7s",
                "client", "conc", "hogs", "load", "calls/s", "p50 us", "p99 us", "threads", "+client", "bytes/call",
                "cpu us/call", "emu us/call", "vcsw/call", "icsw/call", "hops");

        String row() {
            return String.format(java.util.Locale.ROOT,
                    "%-5s %5d %4d %5.1f %10.0f %9d %9d %8d %8d %11.0f %12.0f %12.0f %9.3f %9.3f %7.3f", client,
                    concurrency, cpuHogs, loadAverage, callsPerSecond, p50Micros, p99Micros, threads, threadsAdded,
                    bytesPerCall, cpuMicrosPerCall, emulatorCpuMicrosPerCall, voluntarySwitchesPerCall,
                    involuntarySwitchesPerCall, hopsPerCall);
        }

        String json() {
            return String.format(java.util.Locale.ROOT, "{\"client\":\"%s\",\"concurrency\":%d,\"callsPerSecond\":%.1f,"
                    + "\"p50Micros\":%d,\"p99Micros\":%d,\"threads\":%d,\"threadsAdded\":%d,\"bytesPerCall\":%.0f,"
                    + "\"cpuMicrosPerCall\":%.1f,\"calls\":%d,\"allCalls\":%d,\"emulatorCpuMicrosPerCall\":%.1f,"
                    + "\"cpuHogs\":%d,\"loadAverage\":%.2f,\"voluntarySwitchesPerCall\":%.4f,"
                    + "\"involuntarySwitchesPerCall\":%.4f,\"hopsPerCall\":%.4f}",
                    client, concurrency, callsPerSecond, p50Micros, p99Micros, threads, threadsAdded, bytesPerCall,
                    cpuMicrosPerCall, calls, allCalls, emulatorCpuMicrosPerCall, cpuHogs, loadAverage,
                    voluntarySwitchesPerCall, involuntarySwitchesPerCall, hopsPerCall)
                    .replaceFirst("}$", perfJson() + "}");
        }

        /** The perf counts per call, as {@code ,"perf_name":value} fields. */
        private String perfJson() {
            StringBuilder json = new StringBuilder();
            perf.forEach((name, value) -> json.append(String.format(java.util.Locale.ROOT, ",\"perf_%s\":%.4f",
                    name, value)));
            return json.toString();
        }

        /** The perf counts per call, one line, or empty when none were taken. */
        String perfRow() {
            StringBuilder row = new StringBuilder();
            perf.forEach((name, value) -> row.append(String.format(java.util.Locale.ROOT, " %s %.3f", name, value)));
            return row.length() == 0 ? "" : "  per call (" + client + " " + concurrency + ", " + cpuHogs
                    + " hogs):" + row;
        }

        Result withEmulatorCpu(long cpuNanos) {
            return new Result(client, concurrency, callsPerSecond, p50Micros, p99Micros, threads, threadsAdded,
                    bytesPerCall, cpuMicrosPerCall, calls, allCalls, cpuNanos / 1000.0 / Math.max(1, allCalls),
                    cpuHogs, loadAverage, voluntarySwitchesPerCall, involuntarySwitchesPerCall, hopsPerCall, perf);
        }

        /** Parses {@link #json()}; lines written before a field existed read it as 0. */
        static Result parse(String json) {
            Map<String, String> f = new LinkedHashMap<>();
            for (String pair : json.replaceAll("[{}\"]", "").split(",")) {
                String[] kv = pair.split(":", 2);
                f.put(kv[0].trim(), kv[1].trim());
            }
            return new Result(f.get("client"), Integer.parseInt(f.get("concurrency")),
                    Double.parseDouble(f.get("callsPerSecond")), Long.parseLong(f.get("p50Micros")),
                    Long.parseLong(f.get("p99Micros")), Integer.parseInt(f.get("threads")),
                    Integer.parseInt(f.get("threadsAdded")), Double.parseDouble(f.get("bytesPerCall")),
                    Double.parseDouble(f.get("cpuMicrosPerCall")), Long.parseLong(f.get("calls")),
                    Long.parseLong(f.get("allCalls")), Double.parseDouble(f.get("emulatorCpuMicrosPerCall")),
                    Integer.parseInt(f.getOrDefault("cpuHogs", "0")),
                    Double.parseDouble(f.getOrDefault("loadAverage", "0")),
                    Double.parseDouble(f.getOrDefault("voluntarySwitchesPerCall", "0")),
                    Double.parseDouble(f.getOrDefault("involuntarySwitchesPerCall", "0")),
                    Double.parseDouble(f.getOrDefault("hopsPerCall", "0")), perf(f));
        }

        private static Map<String, Double> perf(Map<String, String> fields) {
            Map<String, Double> perf = new LinkedHashMap<>();
            fields.forEach((name, value) -> {
                if (name.startsWith("perf_")) {
                    perf.put(name.substring("perf_".length()), Double.parseDouble(value));
                }
            });
            return perf;
        }
    }
}
