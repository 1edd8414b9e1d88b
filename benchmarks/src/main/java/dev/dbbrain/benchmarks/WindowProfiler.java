package dev.dbbrain.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import one.profiler.AsyncProfiler;
import one.profiler.Counter;

/**
 * async-profiler (from the Maven artifact {@code tools.profiler:async-profiler}) around a scenario's measured window:
 * {@link #start()} at the window's start, {@link #stop()} at its end writes an HTML flame graph, the collapsed stacks
 * and the hottest frames as text beside each other ({@code <name>.html}, {@code .collapsed}, {@code .txt}).
 * {@code event} is {@code cpu} (perf events, falling back to a CPU timer where the kernel refuses them), {@code wall}
 * or anything async-profiler's {@code event=} accepts.
 */
final class WindowProfiler {

    private final AsyncProfiler profiler;
    private final Path base;
    private final String event;

    private WindowProfiler(AsyncProfiler profiler, Path base, String event) {
        this.profiler = profiler;
        this.base = base;
        this.event = event;
    }

    /**
     * Loads the profiler's native library (copied out of its jar).
     *
     * @param base where to write, without extension
     * @param event the profiling event
     * @return a profiler, not started
     * @throws IOException if the library cannot be copied out
     */
    static WindowProfiler load(Path base, String event) throws IOException {
        String arch = System.getProperty("os.arch").contains("aarch64") ? "linux-arm64" : "linux-x64";
        String resource = "/" + (System.getProperty("os.name").startsWith("Mac") ? "macos" : arch)
                + "/libasyncProfiler.so";
        Path library = Files.createTempFile("libasyncProfiler", ".so");
        library.toFile().deleteOnExit();
        try (InputStream in = AsyncProfiler.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no " + resource + " in the async-profiler jar");
            }
            Files.copy(in, library, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.createDirectories(base.toAbsolutePath().getParent());
        return new WindowProfiler(AsyncProfiler.getInstance(library.toString()), base, event);
    }

    void start() throws IOException {
        profiler.execute("start,threads,event=" + event + ",interval=" + ("wall".equals(event) ? "5ms" : "1ms"));
    }

    void stop() throws IOException {
        profiler.execute("stop,file=" + base + ".html");
        Files.writeString(Path.of(base + ".collapsed"), profiler.dumpCollapsed(Counter.SAMPLES));
        Files.writeString(Path.of(base + ".txt"), profiler.dumpFlat(40));
    }
}
