package dev.dbbrain.benchmarks;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.auth.CredentialsProvider;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The emulator in a JVM of its own, so that the benchmarked client's heap, threads and allocation are its alone.
 *
 * <p>Started by {@link #start(Map)} from the measuring JVM with the same class path; prints one line
 * {@code READY <endpoint>} when it serves, and exits when its standard input closes (the parent ended, however).
 *
 * <p>With {@code --seed-tasks N} it creates N tasks over {@code --instances I} instances before it is ready, through
 * its own HTTP path, signed with {@code --seeders K} extra SecretIds in turn: the emulator limits each (SecretId,
 * action) pair to the rate limit, so seeding many tasks quickly needs many seeders, and the benchmarked SecretId's
 * Describe budget is left untouched. Each task is written to {@code --tasks-file} as
 * {@code instanceId asyncRequestId sentMillis receivedMillis}: the emulator stamped its creation between the two.
 * {@code --latency-ms} delays every answer (default 0), as a distant service would; {@code --port} listens on a given
 * port (default: an ephemeral one).
 */
public final class EmulatorProcess {

    /** The benchmarked client's SecretId and key. */
    static final String SECRET_ID = "AKIDbenchmark00000001";
    static final String SECRET_KEY = "benchmark-secret-key";

    private EmulatorProcess() {
    }

    /**
     * Runs the emulator.
     *
     * @param args {@code --name value} pairs (see the class comment)
     * @throws IOException if the tasks file cannot be written
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> options = Options.parse(args);
        int seeders = Integer.parseInt(options.getOrDefault("seeders", "0"));
        DbbrainEmulator.Builder builder = DbbrainEmulator.builder()
                .port(Integer.parseInt(options.getOrDefault("port", "0")))
                .credentials(SECRET_ID, SECRET_KEY)
                .rateLimit(Integer.parseInt(options.getOrDefault("rate-limit", "20")))
                .proxies(Integer.parseInt(options.getOrDefault("proxies", "1")))
                .stepDuration(Duration.ofMillis(Long.parseLong(options.getOrDefault("step-ms", "1000"))))
                .latency(Duration.ofMillis(Long.parseLong(options.getOrDefault("latency-ms", "0"))))
                .warmUpRequests(500);
        for (int i = 0; i < seeders; i++) {
            builder.credentials(seederId(i), SECRET_KEY);
        }
        DbbrainEmulator emulator = builder.start();
        int tasks = Integer.parseInt(options.getOrDefault("seed-tasks", "0"));
        if (tasks > 0) {
            seed(emulator.endpoint(), seeders, tasks, Integer.parseInt(options.getOrDefault("instances", "1000")),
                    Path.of(options.get("tasks-file")));
        }
        System.out.println("READY " + emulator.endpoint());
        System.out.flush();
        // Lives as long as its parent: a parent that dies closes this pipe.
        while (System.in.read() >= 0) {
            // nothing to read; waiting for EOF
        }
        emulator.stop();
        System.exit(0);
    }

    static String seederId(int i) {
        return String.format("AKIDseeder%011d", i);
    }

    static String instanceId(int i) {
        return String.format("crs-b%07d", i);
    }

    private static void seed(String endpoint, int seeders, int tasks, int instances, Path file) throws IOException {
        if (seeders < 1) {
            throw new IllegalArgumentException("--seed-tasks needs --seeders of at least 1");
        }
        List<Credentials> keys = new ArrayList<>();
        for (int i = 0; i < seeders; i++) {
            keys.add(Credentials.of(seederId(i), SECRET_KEY));
        }
        AtomicLong turn = new AtomicLong();
        CredentialsProvider roundRobin = () -> Mono.fromSupplier(
                () -> keys.get((int) (turn.getAndIncrement() % keys.size())));
        try (DbbrainClient client = DbbrainClient.builder().endpoint(endpoint).credentialsProvider(roundRobin)
                .rateLimiter(RateLimiter.unlimited()).maxRetries(20).maxConnections(64).build();
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            Flux.range(0, tasks)
                    .flatMap(i -> {
                        String instance = instanceId(i % instances);
                        long sent = System.currentTimeMillis();
                        return client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(instance))
                                .map(r -> instance + ' ' + r.asyncRequestId() + ' ' + sent + ' '
                                        + System.currentTimeMillis());
                    }, 64)
                    .doOnNext(out::println)
                    .then()
                    .block(Duration.ofMinutes(10));
        }
    }

    /** A running emulator process. */
    static final class Handle implements AutoCloseable {
        final Process process;
        final String endpoint;

        Handle(Process process, String endpoint) {
            this.process = process;
            this.endpoint = endpoint;
        }

        /** CPU time the emulator process has used so far. */
        long cpuNanos() {
            return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
        }

        /** The emulator's statistics as JSON, from {@code GET /_emulator/stats}. */
        String statsJson() throws IOException, InterruptedException {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(endpoint + "/_emulator/stats"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        }

        @Override
        public void close() throws InterruptedException {
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // already gone
            }
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroy();
                process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Starts an emulator process with this JVM's class path and waits until it serves.
     *
     * @param options {@code name -> value}, without the leading dashes
     * @return the running process and its endpoint
     */
    static Handle start(Map<String, String> options) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + options.getOrDefault("xmx", "1g"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(EmulatorProcess.class.getName());
        options.forEach((name, value) -> {
            if (!"xmx".equals(name)) {
                command.add("--" + name);
                command.add(value);
            }
        });
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.startsWith("READY ")) {
                return new Handle(process, line.substring("READY ".length()).trim());
            }
        }
        process.destroy();
        throw new IOException("emulator process ended before it was ready (exit " + waitQuietly(process) + ")");
    }

    private static int waitQuietly(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
