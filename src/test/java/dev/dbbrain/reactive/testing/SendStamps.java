package dev.dbbrain.reactive.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The client's own view of what it sent: a Netty handler on a supplied {@link HttpClient} stamps every request with
 * {@link System#nanoTime()} when the client writes it to its connection (the socket write follows in the same event
 * loop task), with its {@code X-TC-Action}, and marks it when the answer read back on that connection was a
 * {@code RequestLimitExceeded} refusal (HTTP/1.1 without pipelining: a connection's answer belongs to the request
 * written last on it).
 *
 * <p>This is what the library's rate claim is about. An emulator counts a request when its event loop reads it, so on
 * a starved machine requests sent at most 20 per sliding second can arrive bunched and be counted 21 in one second;
 * the send stamps are free of that delay (see {@code WatchAtScaleIT}). Depends only on Netty, Reactor Netty and the
 * JDK, so that the CLI's test can load it in the CLI jar's own JVM and hand the stamps back as a file
 * ({@link #write(Path)}, {@link #read(Path)}). Thread-safe.
 */
public final class SendStamps {

    private static final String HANDLER = "dbbrain.test.sendStamps";
    private static final String REFUSAL = "RequestLimitExceeded";
    private static final int BODY_PREFIX = 4096;

    /**
     * One request as the client wrote it.
     *
     * @param action its {@code X-TC-Action} ({@code "(none)"} without one)
     * @param nanos {@link System#nanoTime()} when it was written
     * @param refused whether its answer was a {@code RequestLimitExceeded} refusal
     */
    public record Send(String action, long nanos, boolean refused) {
    }

    /** A send being answered: its answer's refusal mark is set by the event loop that reads it. */
    private static final class Entry {
        final String action;
        final long nanos;
        volatile boolean refused;

        Entry(String action, long nanos) {
            this.action = action;
            this.nanos = nanos;
        }
    }

    private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();

    /**
     * A pool like the one {@code DbbrainClient} builds for itself by default (50 connections, 20 s idle time), for
     * {@link #likeTheOwnedClient(ConnectionProvider)}; the caller disposes it.
     *
     * @param name the pool's name
     * @return the pool
     */
    public static ConnectionProvider ownedLikePool(String name) {
        return ConnectionProvider.builder(name).maxConnections(50).pendingAcquireMaxCount(50 * 32)
                .pendingAcquireTimeout(Duration.ofSeconds(40)).maxIdleTime(Duration.ofSeconds(20)).build();
    }

    /**
     * An {@link HttpClient} configured like the one {@code DbbrainClient} builds for itself by default (10 s connect
     * timeout, 30 s response timeout) on {@code pool}, with the stamping handler, so that supplying it changes
     * nothing but the measurement.
     *
     * @param pool the pool, such as {@link #ownedLikePool(String)}
     * @return the instrumented client
     */
    public HttpClient likeTheOwnedClient(ConnectionProvider pool) {
        return instrument(HttpClient.create(pool).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .responseTimeout(Duration.ofSeconds(30)));
    }

    /**
     * Returns {@code http} with the stamping handler on every connection it opens.
     *
     * @param http the client to instrument
     * @return the instrumented client
     */
    public HttpClient instrument(HttpClient http) {
        // Between the HTTP codec and Reactor Netty's bridge (which consumes what it reads): the handler sees
        // HttpRequest objects going out and HttpContent coming in.
        return http.doOnChannelInit((observer, channel, remote) -> {
            if (channel.pipeline().get(NettyPipeline.ReactiveBridge) != null) {
                channel.pipeline().addBefore(NettyPipeline.ReactiveBridge, HANDLER, new Stamper());
            } else {
                channel.pipeline().addLast(HANDLER, new Stamper());
            }
        });
    }

    /**
     * Returns the sends so far, in the order they were stamped.
     *
     * @return the sends
     */
    public List<Send> sends() {
        List<Send> sends = new ArrayList<>();
        for (Entry e : entries) {
            sends.add(new Send(e.action, e.nanos, e.refused));
        }
        sends.sort(Comparator.comparingLong(Send::nanos));
        return sends;
    }

    /**
     * Writes the sends to a file, one {@code action nanos refused} line each.
     *
     * @param file the file
     * @throws IOException if it cannot be written
     */
    public void write(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Send s : sends()) {
            lines.add(s.action() + " " + s.nanos() + " " + s.refused());
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /**
     * Reads sends {@link #write(Path) written} by another JVM (its nanoTime origin, so only differences count).
     *
     * @param file the file
     * @return the sends
     * @throws IOException if it cannot be read
     */
    public static List<Send> read(Path file) throws IOException {
        List<Send> sends = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            sends.add(new Send(f[0], Long.parseLong(f[1]), Boolean.parseBoolean(f[2])));
        }
        return sends;
    }

    /**
     * Counts the sends per action.
     *
     * @param sends the sends
     * @return action to number of sends
     */
    public static Map<String, Long> counts(List<Send> sends) {
        Map<String, Long> counts = new TreeMap<>();
        sends.forEach(s -> counts.merge(s.action(), 1L, Long::sum));
        return counts;
    }

    /**
     * Counts the sends per action whose answer was a {@code RequestLimitExceeded} refusal.
     *
     * @param sends the sends
     * @return action to number of refused sends (actions without any are absent)
     */
    public static Map<String, Long> refusals(List<Send> sends) {
        return counts(sends.stream().filter(Send::refused).toList());
    }

    /**
     * The most sends of each action in any sliding second, by the emulator's definition: the window
     * {@code (t - 1 s, t]} ending at each send.
     *
     * @param sends the sends
     * @return action to the most sends in one sliding second
     */
    public static Map<String, Integer> maxPerSlidingSecond(List<Send> sends) {
        Map<String, Integer> max = new TreeMap<>();
        for (Send s : sends) {
            max.merge(s.action(), inSecondEndingAt(sends, s), Math::max);
        }
        return max;
    }

    /**
     * The rate the sends went out at: how many there were per second of the span from the first send to the last
     * (the way a test's own clock counts calls per second of run time, without the run's start and last answer).
     *
     * @param sends at least two sends
     * @return sends per second
     */
    public static double rate(List<Send> sends) {
        long first = sends.stream().mapToLong(Send::nanos).min().orElseThrow();
        long last = sends.stream().mapToLong(Send::nanos).max().orElseThrow();
        return sends.size() / ((last - first) / 1e9);
    }

    /**
     * Counts the sends of {@code last}'s action in the sliding second {@code (t - 1 s, t]} that ends when
     * {@code last} was sent, {@code last} included.
     *
     * @param sends the sends, in any order
     * @param last the send whose second it is
     * @return how many sends of its action that second held
     */
    public static int inSecondEndingAt(List<Send> sends, Send last) {
        long second = TimeUnit.SECONDS.toNanos(1);
        int n = 0;
        for (Send s : sends) {
            if (s.action().equals(last.action()) && s.nanos() <= last.nanos() && s.nanos() > last.nanos() - second) {
                n++;
            }
        }
        return n;
    }

    /** Stamps what this connection writes; marks the send answered by a refusal. */
    private final class Stamper extends ChannelDuplexHandler {

        private Entry current;
        private final StringBuilder body = new StringBuilder();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof HttpRequest request) {
                String action = request.headers().get("X-TC-Action", "(none)");
                current = new Entry(action, System.nanoTime());
                body.setLength(0);
                entries.add(current);
            }
            super.write(ctx, msg, promise);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof HttpContent content && current != null) {
                ByteBuf bytes = content.content();
                int room = BODY_PREFIX - body.length();
                if (room > 0) {
                    body.append(bytes.toString(bytes.readerIndex(), Math.min(room, bytes.readableBytes()),
                            StandardCharsets.US_ASCII));
                }
                if (msg instanceof LastHttpContent) {
                    if (body.indexOf(REFUSAL) >= 0) {
                        current.refused = true;
                    }
                    body.setLength(0);
                }
            }
            super.channelRead(ctx, msg);
        }
    }
}
