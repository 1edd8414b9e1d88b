package dev.dbbrain.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Linux {@code perf stat} attached to this JVM for a scenario's measured window: counts of the kernel's software
 * events and tracepoints (context switches, wake-ups, the system calls an event loop makes), read afterwards as
 * counts per call. Optional: where {@code perf} is missing or refused, {@link #start(long)} answers {@code null} and
 * the scenario goes on without it. Hardware counters (instructions) are not asked for: virtual machines rarely
 * expose them.
 */
final class PerfStat {

    /** Short name → perf event. */
    static final Map<String, String> EVENTS = new LinkedHashMap<>();

    static {
        EVENTS.put("taskClockMs", "task-clock");
        EVENTS.put("switches", "sched:sched_switch");
        EVENTS.put("wakeups", "sched:sched_wakeup");
        EVENTS.put("migrations", "cpu-migrations");
        EVENTS.put("futex", "syscalls:sys_enter_futex");
        EVENTS.put("epollWait", "syscalls:sys_enter_epoll_wait");
        EVENTS.put("epollPwait", "syscalls:sys_enter_epoll_pwait");
        EVENTS.put("read", "syscalls:sys_enter_read");
        EVENTS.put("write", "syscalls:sys_enter_write");
        EVENTS.put("writev", "syscalls:sys_enter_writev");
        EVENTS.put("timerfdSettime", "syscalls:sys_enter_timerfd_settime");
    }

    private final Process process;
    private final Path out;

    private PerfStat(Process process, Path out) {
        this.process = process;
        this.out = out;
    }

    /**
     * Attaches {@code perf stat} to this process for {@code millis}.
     *
     * @param millis how long to count
     * @return the running counter, or {@code null} where perf cannot be run
     */
    static PerfStat start(long millis) {
        try {
            Path out = Files.createTempFile("perf-stat", ".csv");
            out.toFile().deleteOnExit();
            Process p = new ProcessBuilder("perf", "stat", "-x", ",", "-o", out.toString(), "-e",
                    String.join(",", EVENTS.values()), "-p", Long.toString(ProcessHandle.current().pid()),
                    "--timeout", Long.toString(millis))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return new PerfStat(p, out);
        } catch (IOException noPerf) {
            return null;
        }
    }

    /**
     * Waits for the count to end and answers each event's count (task clock in milliseconds); empty if perf failed.
     *
     * @return short name → count
     */
    Map<String, Double> counts() {
        Map<String, Double> counts = new LinkedHashMap<>();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroy();
                return counts;
            }
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            for (String line : lines) {
                String[] f = line.split(",");
                if (f.length < 3 || line.startsWith("#")) {
                    continue;
                }
                for (Map.Entry<String, String> e : EVENTS.entrySet()) {
                    if (f[2].equals(e.getValue())) {
                        try {
                            counts.put(e.getKey(), Double.parseDouble(f[0]));
                        } catch (NumberFormatException notCounted) {
                            // "<not counted>" or "<not supported>": left out
                        }
                    }
                }
            }
        } catch (IOException e) {
            return counts;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return counts;
    }
}
