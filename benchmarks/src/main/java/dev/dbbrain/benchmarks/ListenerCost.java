package dev.dbbrain.benchmarks;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DbbrainEventListener;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksRequest;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.micrometer.DbbrainMicrometer;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a client's event listener costs per call: bytes allocated and CPU time of this JVM (the client's alone: the
 * emulator runs in a process of its own) per sequential Describe, for no listener ({@code NONE}) and for
 * {@code DbbrainMicrometer.metrics} (a call observation and an attempt observation, each with its timer). The
 * candidates take turns in rounds, so that drifting load hits them alike; the median round is reported with the
 * same-run ratio to {@code none}. Allocation is the steady figure on a shared machine.
 *
 * <p>Usage: {@code ListenerCost [--rounds 9] [--calls 3000] [--warmup-calls 20000]}.
 */
public final class ListenerCost {

    private ListenerCost() {
    }

    /**
     * Prints one JSON line per candidate: median bytes and CPU nanoseconds per call, and the ratios to {@code none}.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = Options.parse(args);
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "9"));
        int calls = Integer.parseInt(o.getOrDefault("calls", "3000"));
        int warmUp = Integer.parseInt(o.getOrDefault("warmup-calls", "20000"));
        Map<String, String> emulatorOptions = new LinkedHashMap<>();
        emulatorOptions.put("rate-limit", "0");
        try (EmulatorProcess.Handle emulator = EmulatorProcess.start(emulatorOptions)) {
            Map<String, DbbrainClient> clients = new LinkedHashMap<>();
            clients.put("none", client(emulator.endpoint, DbbrainEventListener.NONE));
            clients.put("metrics", client(emulator.endpoint, DbbrainMicrometer.metrics(new SimpleMeterRegistry())));
            DescribeProxySessionKillTasksRequest request = DescribeProxySessionKillTasksRequest.of(
                    EmulatorProcess.instanceId(0), 1);
            for (DbbrainClient client : clients.values()) {
                run(client, request, warmUp);
            }
            Map<String, List<long[]>> samples = new LinkedHashMap<>();
            for (int r = 0; r < rounds; r++) {
                for (Map.Entry<String, DbbrainClient> e : clients.entrySet()) {
                    Map<Long, Long> bytes = JvmProbe.allocatedBytes();
                    long cpu = JvmProbe.processCpuNanos();
                    run(e.getValue(), request, calls);
                    samples.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new long[] {
                            JvmProbe.allocatedBetween(bytes, JvmProbe.allocatedBytes()) / calls,
                            (JvmProbe.processCpuNanos() - cpu) / calls});
                }
            }
            long[] none = median(samples.get("none"));
            System.out.println("# listener cost, " + JvmProbe.machine() + ", " + rounds + " rounds of " + calls
                    + " calls");
            for (Map.Entry<String, List<long[]>> e : samples.entrySet()) {
                long[] m = median(e.getValue());
                System.out.printf(Locale.ROOT, "{\"listener\":\"%s\",\"bytesPerCall\":%d,\"cpuNanosPerCall\":%d,"
                        + "\"bytesRatio\":%.3f,\"cpuRatio\":%.3f}%n", e.getKey(), m[0], m[1],
                        (double) m[0] / none[0], (double) m[1] / none[1]);
            }
            clients.values().forEach(DbbrainClient::close);
        }
    }

    private static DbbrainClient client(String endpoint, DbbrainEventListener listener) {
        return DbbrainClient.builder().endpoint(endpoint)
                .credentials(Credentials.of(EmulatorProcess.SECRET_ID, EmulatorProcess.SECRET_KEY))
                .rateLimiter(RateLimiter.unlimited()).eventListener(listener).build();
    }

    private static void run(DbbrainClient client, DescribeProxySessionKillTasksRequest request, int calls) {
        for (int i = 0; i < calls; i++) {
            client.describeProxySessionKillTasks(request).block(Duration.ofSeconds(30));
        }
    }

    /** The median of each column, taken on its own. */
    private static long[] median(List<long[]> rows) {
        long[] m = new long[rows.get(0).length];
        for (int c = 0; c < m.length; c++) {
            int column = c;
            m[c] = rows.stream().mapToLong(row -> row[column]).sorted().skip(rows.size() / 2).findFirst()
                    .orElseThrow();
        }
        return m;
    }
}
