package dev.dbbrain.reactive.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import redis.embedded.core.ExecutableProvider;

/**
 * A real {@code redis-server} on an ephemeral loopback port, for tests: the one on the PATH when there is one, else
 * the Linux x86-64 binary that {@code embedded-redis} ships inside its jar, so a machine with only a JDK runs them.
 * No persistence; {@link #kill()} ends it with SIGKILL, {@link #start()} brings it back on the same port.
 *
 * <p>Blocks the calling thread while starting: call it from a test thread only.
 */
public final class RedisProcess implements AutoCloseable {

    private final File executable;
    private final int port;
    private Process process;
    private RedisClient admin;
    private StatefulRedisConnection<String, String> adminConnection;

    private RedisProcess(File executable, int port) {
        this.executable = executable;
        this.port = port;
    }

    /** Starts a server on a free loopback port. */
    public static RedisProcess start() {
        try {
            RedisProcess redis = new RedisProcess(executable(), freePort());
            redis.startProcess();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Starts the server again after {@link #kill()}, on the same port. */
    public synchronized void restart() {
        try {
            startProcess();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
    }

    /** Ends the server at once, as a crash would. */
    public synchronized void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeAdmin();
    }

    /** {@code redis://127.0.0.1:port}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Synchronous commands on a connection of the test's own, for inspecting and resetting the server. */
    public synchronized RedisCommands<String, String> admin() {
        if (adminConnection == null || !adminConnection.isOpen()) {
            closeAdmin();
            admin = RedisClient.create(uri());
            adminConnection = admin.connect();
        }
        return adminConnection.sync();
    }

    /** Calls per command since the last {@code CONFIG RESETSTAT}, from {@code INFO commandstats}. */
    public Map<String, Long> commandCalls() {
        Map<String, Long> calls = new HashMap<>();
        for (String line : admin().info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                String stats = line.substring(line.indexOf(':') + 1);
                for (String field : stats.split(",")) {
                    if (field.startsWith("calls=")) {
                        calls.put(name, Long.parseLong(field.substring("calls=".length())));
                    }
                }
            }
        }
        return calls;
    }

    /**
     * Starts a log of every command from now on (Redis's slow log with a threshold of 0), for {@link #scriptKeys()}.
     * Unlike {@link #keys()} it does not depend on timing: the limiter's keys expire as soon as their schedule has
     * passed, which on a loaded machine can be before a test looks.
     */
    public void logEveryCommand() {
        admin().configSet("slowlog-max-len", "100000");
        admin().configSet("slowlog-log-slower-than", "0");
        admin().slowlogReset();
    }

    /** The keys the scripts ({@code EVAL}, {@code EVALSHA}) were called with since {@link #logEveryCommand()}. */
    public List<String> scriptKeys() {
        List<String> keys = new ArrayList<>();
        for (Object entry : admin().slowlogGet(-1)) {
            // [id, time, microseconds, [command, arguments...], client address, client name]
            List<?> args = (List<?>) ((List<?>) entry).get(3);
            String command = String.valueOf(args.get(0)).toLowerCase(Locale.ROOT);
            if (command.equals("eval") || command.equals("evalsha")) {
                int count = Integer.parseInt(String.valueOf(args.get(2)));
                for (int i = 0; i < count; i++) {
                    keys.add(String.valueOf(args.get(3 + i)));
                }
            }
        }
        return keys;
    }

    /** The keys now in the server. */
    public List<String> keys() {
        return admin().keys("*");
    }

    private void closeAdmin() {
        if (admin != null) {
            admin.shutdown();
            admin = null;
            adminConnection = null;
        }
    }

    @Override
    public synchronized void close() {
        closeAdmin();
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
