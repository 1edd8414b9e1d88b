package dev.dbbrain.benchmarks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Contention on demand: {@code n} processes that busy-loop ({@code sh -c 'while :; do :; done'}) at the same
 * priority as the benchmark, so the measured JVMs compete with them for the cores, as a WebFlux application does on a
 * busy host. Linux (or any system with a POSIX {@code sh}); ended by {@link #close()} and, should the benchmark die,
 * by a shutdown hook.
 */
final class CpuHogs implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::destroy, "cpu-hogs-shutdown");

    private CpuHogs(int n) throws IOException {
        Runtime.getRuntime().addShutdownHook(hook);
        for (int i = 0; i < n; i++) {
            processes.add(new ProcessBuilder("sh", "-c", "while :; do :; done")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }
    }

    /**
     * Starts {@code n} busy-looping processes (none for 0).
     *
     * @param n how many
     * @return the running hogs
     * @throws IOException if a process cannot be started
     */
    static CpuHogs start(int n) throws IOException {
        return new CpuHogs(n);
    }

    int count() {
        return processes.size();
    }

    private void destroy() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        destroy();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs anyway
        }
    }
}
