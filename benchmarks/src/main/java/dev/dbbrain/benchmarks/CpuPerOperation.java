package dev.dbbrain.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The single-thread operations of {@link SigningBenchmark} and {@link LimiterBenchmark} once more, timed by the
 * thread's CPU clock instead of the wall clock: on a machine shared with other work, a descheduled thread inflates
 * JMH's time per operation but not its CPU time. The candidates take turns in rounds (so that drifting load hits
 * them alike) and the median round is reported. JMH's figures remain the reference on a quiet machine.
 *
 * <p>Usage: {@code CpuPerOperation [--rounds 15] [--ops 20000] [--out FILE]}.
 */
public final class CpuPerOperation {

    private CpuPerOperation() {
    }

    /**
     * Prints one JSON line per operation: CPU nanoseconds per operation (median of the rounds) and the ratio to the
     * first candidate of its group.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = Options.parse(args);
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "15"));
        int ops = Integer.parseInt(o.getOrDefault("ops", "20000"));
        SigningBenchmark signing = new SigningBenchmark();
        signing.setup();
        LimiterBenchmark limiter = new LimiterBenchmark();
        limiter.setup();
        Map<String, Callable<Object>> signers = new LinkedHashMap<>();
        signers.put("signing.ours", signing::ours);
        signers.put("signing.oursWithoutKeyMemo", signing::oursWithoutKeyMemo);
        signers.put("signing.sdk", signing::sdk);
        Map<String, Callable<Object>> limiters = new LinkedHashMap<>();
        limiters.put("limiter.ours", limiter::oursUncontended);
        limiters.put("limiter.bucket4jTryConsume", limiter::bucket4jTryConsumeUncontended);
        limiters.put("limiter.bucket4jScheduler", limiter::bucket4jSchedulerUncontended);
        limiters.put("limiter.resilience4j", limiter::resilience4jUncontended);
        StringBuilder out = new StringBuilder();
        System.out.println("# CPU time per operation, one thread, " + JvmProbe.machine());
        for (Map<String, Callable<Object>> group : java.util.List.of(signers, limiters)) {
            Map<String, double[]> perRound = new LinkedHashMap<>();
            group.keySet().forEach(name -> perRound.put(name, new double[rounds]));
            for (int warm = 0; warm < 3; warm++) {
                for (Callable<Object> op : group.values()) {
                    cpuNanosPerOp(op, ops);
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (Map.Entry<String, Callable<Object>> e : group.entrySet()) {
                    perRound.get(e.getKey())[r] = cpuNanosPerOp(e.getValue(), ops);
                }
            }
            double first = -1;
            for (Map.Entry<String, double[]> e : perRound.entrySet()) {
                double[] sorted = e.getValue().clone();
                Arrays.sort(sorted);
                double median = sorted[sorted.length / 2];
                if (first < 0) {
                    first = median;
                }
                String line = String.format(Locale.ROOT, "{\"operation\":\"%s\",\"cpuNanosPerOp\":%.1f,"
                        + "\"minRound\":%.1f,\"maxRound\":%.1f,\"thisOverFirst\":%.3f}", e.getKey(), median,
                        sorted[0], sorted[sorted.length - 1], median / first);
                System.out.println(line);
                out.append(line).append('\n');
            }
        }
        limiter.tearDown();
        if (o.containsKey("out")) {
            java.nio.file.Files.writeString(java.nio.file.Path.of(o.get("out")), out.toString());
        }
        System.exit(0);
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static volatile Object sink;

    private static double cpuNanosPerOp(Callable<Object> op, int ops) throws Exception {
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < ops; i++) {
            sink = op.call();
        }
        return (double) (THREADS.getCurrentThreadCpuTime() - start) / ops;
    }
}
