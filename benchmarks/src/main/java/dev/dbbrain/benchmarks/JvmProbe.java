package dev.dbbrain.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
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
