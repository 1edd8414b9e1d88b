package dev.dbbrain.benchmarks;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.embedded.core.ExecutableProvider;

/**
 * A real {@code redis-server} for a scenario, on a free loopback port: the one on the PATH when there is one, else
 * the Linux x86-64 binary (6.2.6) that the {@code embedded-redis} jar carries, the same choice the library's tests
 * make. No persistence. {@link #stop()} ends it (SIGTERM, then SIGKILL after 5 s), {@link #restart()} brings it back on
 * the same port, empty. {@link #admin()} is a connection of the harness's own, for flushing and inspecting keys.
 *
 * <p>Blocks the calling thread: for the harness's main thread only.
 */
final class RedisServer implements AutoCloseable {

    private final File executable;
    private final int port;
    private Process process;
    private RedisClient admin;
    private StatefulRedisConnection<String, String> adminConnection;

    private RedisServer(File executable, int port) {
        this.executable = executable;
        this.port = port;
    }

    static RedisServer start() throws IOException {
        RedisServer redis = new RedisServer(executable(), freePort());
        redis.startProcess();
        return redis;
    }

    /** Where the binary came from and its version line, for the results. */
    String describe() throws IOException, InterruptedException {
        Process version = new ProcessBuilder(executable.getAbsolutePath(), "--version").redirectErrorStream(true)
                .start();
        String line = new String(version.getInputStream().readAllBytes()).trim();
        version.waitFor(10, TimeUnit.SECONDS);
        return executable + " (" + line + ")";
    }

    private static File executable() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-server");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate.toFile();
            }
        }
        return ExecutableProvider.newJarResourceProvider().get();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void startProcess() throws IOException {
        process = new ProcessBuilder(executable.getAbsolutePath(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("redis-server did not start on port " + port + " (" + executable + ")",
                            notYet);
                }
                sleep(20);
            }
        }
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Ends the server as an operator stopping it would (SIGTERM; SIGKILL if it lingers). */
    void stop() throws InterruptedException {
        closeAdmin();
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts the server again on the same port, empty. */
    void restart() throws IOException {
        startProcess();
    }

    /** Synchronous commands on the harness's own connection. */
    RedisCommands<String, String> admin() {
        if (adminConnection == null || !adminConnection.isOpen()) {
            closeAdmin();
            admin = RedisClient.create(uri());
            adminConnection = admin.connect();
        }
        return adminConnection.sync();
    }

    /** The keys matching a pattern, by SCAN (never KEYS: the replicas keep using the server meanwhile). */
    List<String> scan(String pattern) {
        List<String> keys = new ArrayList<>();
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        do {
            io.lettuce.core.KeyScanCursor<String> page = admin().scan(cursor,
                    io.lettuce.core.ScanArgs.Builder.matches(pattern).limit(1000));
            keys.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        return keys;
    }

    /** Redis's clock, in microseconds: what the replicas date shared states with. */
    long timeMicros() {
        List<String> time = admin().time();
        return Long.parseLong(time.get(0)) * 1_000_000 + Long.parseLong(time.get(1));
    }

    private void closeAdmin() {
        if (admin != null) {
            admin.shutdown(0, 2, TimeUnit.SECONDS);
            admin = null;
            adminConnection = null;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
