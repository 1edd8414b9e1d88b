package dev.dbbrain.benchmarks;

import java.lang.management.ManagementFactory;
import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What a scenario reads from its own JVM: bytes allocated by all live threads (HotSpot's per-thread counters), the
 * live and peak thread counts, and heap used after a full collection.
 */
final class JvmProbe {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private JvmProbe() {
    }

    /** Bytes allocated so far by each thread alive now, by thread ID. */
    static Map<Long, Long> allocatedBytes() {
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> byThread = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] > 0) {
                byThread.put(ids[i], bytes[i]);
            }
        }
        return byThread;
    }

    /**
     * Bytes allocated between two readings by the threads alive at the second (a thread started in between counts
     * from zero). A thread that ended in between takes its bytes with it, so a scenario reads this around a phase
     * whose threads live through it (callers, pools, event loops).
     */
    static long allocatedBetween(Map<Long, Long> before, Map<Long, Long> after) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }

    /** CPU time used by this JVM so far, all threads. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * Context switches so far of each thread of this process, by Linux task ID: {@code [voluntary, involuntary]}.
     * Voluntary ones are a thread giving up the core to wait (a parked event loop, a blocked read), so each is a
     * wake-up someone paid for; involuntary ones are the scheduler taking the core away. Empty where there is no
     * {@code /proc} (not Linux).
     */
    static Map<String, long[]> contextSwitches() {
        Map<String, long[]> byTask = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                long[] counts = new long[2];
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            counts[0] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                            counts[1] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException ended) {
                    continue;
                }
                byTask.put(task.getFileName().toString(), counts);
            }
        } catch (IOException | UnsupportedOperationException noProc) {
            return byTask;
        }
        return byTask;
    }

    /** Context switches {@code [voluntary, involuntary]} between two readings, by the tasks alive at the second. */
    static long[] contextSwitchesBetween(Map<String, long[]> before, Map<String, long[]> after) {
        long[] sum = new long[2];
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            sum[0] += e.getValue()[0] - b[0];
            sum[1] += e.getValue()[1] - b[1];
        }
        return sum;
    }

    /**
     * CPU time so far of each thread of this process, by Linux task ID: {@code name -> nanoseconds} read from
     * {@code /proc/self/task/<id>/schedstat} (the scheduler's own account, nanosecond resolution) and {@code comm}.
     * Covers the threads the JVM hides from {@code ThreadMXBean}: JIT compilers, GC workers, the VM thread.
     */
    static Map<String, Map.Entry<String, Long>> cpuByTask() {
        Map<String, Map.Entry<String, Long>> byTask = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    String schedstat = Files.readString(task.resolve("schedstat")).trim();
                    long nanos = Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                    byTask.put(task.getFileName().toString(), Map.entry(name, nanos));
                } catch (IOException | RuntimeException ended) {
                    // the thread ended while being read
                }
            }
        } catch (IOException | UnsupportedOperationException noProc) {
            return byTask;
        }
        return byTask;
    }

    /**
     * CPU nanoseconds between two {@link #cpuByTask()} readings, summed by kind of thread: {@code jit} (C1/C2
     * compilers), {@code gc} (GC workers and the VM thread), {@code eventLoops} (Netty/Reactor Netty loops),
     * {@code callers} (the SDK's calling threads and OkHttp's), {@code other}.
     */
    static Map<String, Long> cpuByKindBetween(Map<String, Map.Entry<String, Long>> before,
            Map<String, Map.Entry<String, Long>> after) {
        Map<String, Long> byKind = new java.util.TreeMap<>();
        for (Map.Entry<String, Map.Entry<String, Long>> e : after.entrySet()) {
            Map.Entry<String, Long> b = before.get(e.getKey());
            long delta = e.getValue().getValue() - (b == null ? 0 : b.getValue());
            byKind.merge(kind(e.getValue().getKey()), delta, Long::sum);
        }
        return byKind;
    }

    private static String kind(String thread) {
        if (thread.contains("CompilerThre")) {
            return "jit";
        }
        if (thread.startsWith("GC Thread") || thread.startsWith("G1 ") || thread.equals("VM Thread")) {
            return "gc";
        }
        // comm is cut at 15 characters: "reactor-http-ep" for reactor-http-epoll-1.
        if (thread.startsWith("reactor-http") || thread.startsWith("dbbrain-")) {
            return "eventLoops";
        }
        if (thread.startsWith("sdk-caller") || thread.startsWith("OkHttp")) {
            return "callers";
        }
        return "other";
    }

    /** The one-minute load average of the machine, or -1 where unknown. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static int liveThreads() {
        return THREADS.getThreadCount();
    }

    static int peakThreads() {
        return THREADS.getPeakThreadCount();
    }

    static void resetPeakThreads() {
        THREADS.resetPeakThreadCount();
    }

    /** Heap in use after asking for full collections until it stops shrinking. */
    static long heapUsedAfterGc() {
        long before = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            if (heap.getUsed() >= before) {
                return heap.getUsed();
            }
            before = heap.getUsed();
        }
        return before;
    }

    static long maxHeap() {
        return Runtime.getRuntime().maxMemory();
    }

    /** The p-th percentile (0..100) of sorted values, nearest rank. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static String machine() {
        return "nproc " + Runtime.getRuntime().availableProcessors() + ", JDK " + System.getProperty("java.vm.name")
                + ' ' + System.getProperty("java.version") + ", load average "
                + String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
