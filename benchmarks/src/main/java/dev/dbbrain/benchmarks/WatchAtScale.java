package dev.dbbrain.benchmarks;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.auth.Credentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Watching at scale: N concurrent watches of tasks spread over I instances, against the emulator (its own
 * process) with its limit of 20 requests per second per action, from one client with the library's defaults (the
 * JVM-wide limiter of 19 per second, maxBatch 100, 1 s poll interval) but for {@code maxWatches}, raised to N.
 *
 * <p>The emulator seeds the N tasks first (with SecretIds of its own, see {@link EmulatorProcess}); every task
 * ends {@code 3 × step} after its creation. This JVM then subscribes N watches and records, for each task, when its
 * terminal state reached the subscriber. Reported: heap used per watch (after full GCs, against the heap before
 * subscribing), threads, the emulator's most Describe requests in any sliding second, the share of the 20/s budget
 * used while every instance was watched, and the time from each task's end in the emulator to its subscriber
 * seeing it (for tasks that ended after the watches were subscribed; "steady" ones ended at least one round
 * later), against the floor the limit sets: a round needs ceil(tasks per instance / maxBatch) requests per
 * instance, so the floor on a round is their total / 20 seconds and a task ending just after its poll waits one
 * round.
 *
 * <p>Usage: {@code java -Xmx512m ... WatchAtScale --watches 100000 [--instances 1000] [--step-s 60]
 * [--out FILE]}.
 */
public final class WatchAtScale {

    private static final int LIMIT = 20;

    private WatchAtScale() {
    }

    /**
     * Runs the scenario and prints its figures (and writes them as JSON to {@code --out}).
     *
     * @param args see the class comment
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = Options.parse(args);
        int watches = Integer.parseInt(o.getOrDefault("watches", "10000"));
        int instances = Integer.parseInt(o.getOrDefault("instances", "1000"));
        long stepMillis = Long.parseLong(o.getOrDefault("step-s", "60")) * 1000;
        int maxBatch = DbbrainClient.DEFAULT_MAX_BATCH;
        Path taskFile = Files.createTempFile("watch-tasks", ".txt");
        Map<String, String> emulatorOptions = new LinkedHashMap<>();
        emulatorOptions.put("xmx", "2g");
        emulatorOptions.put("rate-limit", Integer.toString(LIMIT));
        emulatorOptions.put("proxies", "1");
        emulatorOptions.put("step-ms", Long.toString(stepMillis));
        emulatorOptions.put("seeders", "1000");
        emulatorOptions.put("seed-tasks", Integer.toString(watches));
        emulatorOptions.put("instances", Integer.toString(instances));
        emulatorOptions.put("tasks-file", taskFile.toString());
        System.out.printf("# watch at scale: %d watches over %d instances, %s, max heap %d MiB%n", watches,
                instances, JvmProbe.machine(), JvmProbe.maxHeap() >> 20);
        long seedStart = System.currentTimeMillis();
        try (EmulatorProcess.Handle emulator = EmulatorProcess.start(emulatorOptions)) {
            long seeded = System.currentTimeMillis();
            List<String> lines = Files.readAllLines(taskFile, StandardCharsets.UTF_8);
            Files.deleteIfExists(taskFile);
            int n = lines.size();
            String[] instanceOf = new String[n];
            long[] ids = new long[n];
            long[] endAt = new long[n];
            long[] endUncertainty = new long[n];
            Map<String, String> interned = new HashMap<>();
            Map<String, Integer> perInstance = new HashMap<>();
            for (int i = 0; i < n; i++) {
                String[] f = lines.get(i).split(" ");
                instanceOf[i] = interned.computeIfAbsent(f[0], s -> s);
                perInstance.merge(instanceOf[i], 1, Integer::sum);
                ids[i] = Long.parseLong(f[1]);
                long sent = Long.parseLong(f[2]);
                long received = Long.parseLong(f[3]);
                endAt[i] = (sent + received) / 2 + 3 * stepMillis;
                endUncertainty[i] = (received - sent + 1) / 2;
            }
            lines = null;
            long roundRequests = perInstance.values().stream().mapToLong(t -> (t + maxBatch - 1) / maxBatch).sum();
            double floorSeconds = (double) roundRequests / LIMIT;
            System.out.printf("seeded %d tasks in %.1f s (creation time known within %.1f ms on average);"
                    + " floor: %d requests a round = %.1f s%n", n, (seeded - seedStart) / 1e3,
                    Arrays.stream(endUncertainty).average().orElse(0), roundRequests, floorSeconds);

            // Library defaults, except the cap on watch subscribers (10,000 by default): this scenario is the N.
            try (DbbrainClient client = DbbrainClient.builder().endpoint(emulator.endpoint)
                    .credentials(Credentials.of(EmulatorProcess.SECRET_ID, EmulatorProcess.SECRET_KEY))
                    .maxWatches(Math.max(n, DbbrainClient.DEFAULT_MAX_WATCHES)).build()) {
                int baseThreads = JvmProbe.liveThreads();
                long baseHeap = JvmProbe.heapUsedAfterGc();
                AtomicLongArray seenAt = new AtomicLongArray(n);
                AtomicInteger seen = new AtomicInteger();
                AtomicInteger failed = new AtomicInteger();
                Map<String, AtomicInteger> openPerInstance = new HashMap<>();
                perInstance.forEach((id, count) -> openPerInstance.put(id, new AtomicInteger(count)));
                AtomicLongArray firstInstanceDoneAt = new AtomicLongArray(1);
                long subscribeStart = System.currentTimeMillis();
                for (int i = 0; i < n; i++) {
                    int task = i;
                    client.watch(instanceOf[i], ids[i])
                            .filter(TaskInfo::isTerminal)
                            .subscribe(state -> {
                                seenAt.set(task, System.currentTimeMillis());
                                seen.incrementAndGet();
                                if (openPerInstance.get(instanceOf[task]).decrementAndGet() == 0) {
                                    firstInstanceDoneAt.compareAndSet(0, 0, System.currentTimeMillis());
                                }
                            }, error -> {
                                failed.incrementAndGet();
                                System.err.println("watch " + ids[task] + " failed: " + error);
                            });
                }
                long subscribed = System.currentTimeMillis();
                long requestsAtSubscribe = client.stats().requests();
                long heapWatching = JvmProbe.heapUsedAfterGc();
                int maxThreads = JvmProbe.liveThreads();
                System.out.printf("subscribed %d watches in %.1f s; heap %d MiB -> %d MiB after GC%n", n,
                        (subscribed - subscribeStart) / 1e3, baseHeap >> 20, heapWatching >> 20);

                long lastEnd = Arrays.stream(endAt).max().orElse(0);
                long giveUpAt = Math.max(lastEnd, subscribed) + (long) (4 * floorSeconds * 1000) + 30_000;
                long requestsAtFirstDone = -1;
                long nextHeapSample = subscribed + 60_000;
                while (seen.get() + failed.get() < n && System.currentTimeMillis() < giveUpAt) {
                    Thread.sleep(1000);
                    long now = System.currentTimeMillis();
                    maxThreads = Math.max(maxThreads, JvmProbe.liveThreads());
                    if (requestsAtFirstDone < 0 && firstInstanceDoneAt.get(0) != 0) {
                        requestsAtFirstDone = client.stats().requests();
                    }
                    if (now >= nextHeapSample) {
                        heapWatching = Math.max(heapWatching, JvmProbe.heapUsedAfterGc());
                        nextHeapSample = now + 60_000;
                        System.out.printf("  %.0f s: %d/%d seen, %d requests, heap %d MiB after GC%n",
                                (now - subscribed) / 1e3, seen.get(), n, client.stats().requests(),
                                heapWatching >> 20);
                    }
                }
                long finished = System.currentTimeMillis();
                long firstDone = firstInstanceDoneAt.get(0) != 0 ? firstInstanceDoneAt.get(0) : finished;
                if (requestsAtFirstDone < 0) {
                    requestsAtFirstDone = client.stats().requests();
                }
                JsonNode stats = JsonMapper.builder().build().readTree(emulator.statsJson());
                String describe = "DescribeProxySessionKillTasks";
                long describes = stats.path("requests").path(describe).asLong();
                int maxInOneSecond = stats.path("maxRequestsInOneSecond").path(describe).asInt();
                long throttled = stats.path("errors").path("RequestLimitExceeded").asLong();

                // A task that ended before its watch existed says nothing about the watch: left out (counted).
                List<Long> latencies = new ArrayList<>();
                List<Long> steadyLatencies = new ArrayList<>();
                int endedBeforeSubscription = 0;
                for (int i = 0; i < n; i++) {
                    long at = seenAt.get(i);
                    if (endAt[i] < subscribed) {
                        endedBeforeSubscription++;
                    } else if (at != 0) {
                        latencies.add(at - endAt[i]);
                        if (endAt[i] >= subscribed + (long) (floorSeconds * 1000)) {
                            steadyLatencies.add(at - endAt[i]);
                        }
                    }
                }
                long[] all = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                long[] steady = steadyLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
                double busySeconds = (firstDone - subscribed) / 1e3;
                double budgetUsed = (requestsAtFirstDone - requestsAtSubscribe) / (LIMIT * busySeconds);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("watches", n);
                r.put("instances", perInstance.size());
                r.put("maxHeapMiB", JvmProbe.maxHeap() >> 20);
                r.put("heapBeforeMiB", baseHeap >> 20);
                r.put("heapWatchingMiB", heapWatching >> 20);
                r.put("heapPerWatchBytes", (heapWatching - baseHeap) / n);
                r.put("threadsBefore", baseThreads);
                r.put("threadsMax", maxThreads);
                r.put("seen", seen.get());
                r.put("failed", failed.get());
                r.put("describeRequests", describes);
                r.put("maxDescribeInOneSecond", maxInOneSecond);
                r.put("throttled", throttled);
                r.put("budgetWindowSeconds", round(busySeconds));
                r.put("budgetUsed", round(budgetUsed));
                r.put("runSeconds", round((finished - subscribed) / 1e3));
                r.put("floorSeconds", round(floorSeconds));
                r.put("latencyP50Seconds", round(JvmProbe.percentile(all, 50) / 1e3));
                r.put("latencyMeanSeconds", round(Arrays.stream(all).average().orElse(0) / 1e3));
                r.put("latencyP99Seconds", round(JvmProbe.percentile(all, 99) / 1e3));
                r.put("latencyMaxSeconds", round(all.length == 0 ? 0 : all[all.length - 1] / 1e3));
                r.put("endedBeforeSubscription", endedBeforeSubscription);
                r.put("latencyTasks", all.length);
                r.put("steadyTasks", steady.length);
                r.put("steadyLatencyMeanSeconds", round(Arrays.stream(steady).average().orElse(0) / 1e3));
                r.put("steadyLatencyMaxSeconds", round(steady.length == 0 ? 0 : steady[steady.length - 1] / 1e3));
                r.put("maxOverFloor", round(all.length == 0 ? 0 : all[all.length - 1] / 1e3 / floorSeconds));
                r.put("meanOverHalfFloor", round(Arrays.stream(all).average().orElse(0) / 1e3 / (floorSeconds / 2)));
                r.put("endUncertaintyMeanMillis", round(Arrays.stream(endUncertainty).average().orElse(0)));
                String json = JsonMapper.builder().build().writeValueAsString(r);
                System.out.println(json);
                if (o.containsKey("out")) {
                    Files.writeString(Path.of(o.get("out")), json + "\n", StandardCharsets.UTF_8);
                }
            }
        }
        System.exit(0);
    }

    private static double round(double value) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.3f", value));
    }
}
