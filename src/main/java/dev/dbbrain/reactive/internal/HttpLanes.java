package dev.dbbrain.reactive.internal;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The HTTP clients a {@code DbbrainClient} sends through: one <em>lane</em> per event loop it uses, each a connection
 * pool whose connections all live on that loop, so a call that starts on a loop is acquired, written, read and
 * completed there, without a hand-off to another thread.
 *
 * <p>Why: Reactor Netty's pool is shared by every loop, and an idle connection belongs to whichever loop opened it.
 * A call taking it from another loop hands its write to that loop ({@code eventLoop().execute}: a queue, a wake-up,
 * a context switch) and completes there, so the next call of the chain starts on yet another thread. On a quiet
 * machine that costs little; when the host is busy, every hand-off waits for a descheduled thread to run again and
 * pays the switch. With one pool per loop, a call on loop {@code i} uses lane {@code i}; a call from any other
 * thread (the caller's, a scheduler's) takes the lanes in turn and hops once, into its lane's loop.
 *
 * <p>The loops are Reactor Netty's global ones ({@link HttpResources}, shared with a WebFlux server, so no thread is
 * added), at most one lane per core: more loops than cores only make our threads take turns on the cores.
 * {@code maxConnections} is divided between the lanes, so the client never opens more than it says in all.
 */
public final class HttpLanes {

    private final HttpClient[] clients;
    /** The loop of each lane, or {@code null} for a single client supplied by the user (not ours to pin). */
    private final EventLoop[] loops;
    private final ConnectionProvider[] providers;
    private final AtomicInteger next = new AtomicInteger();

    private HttpLanes(HttpClient[] clients, EventLoop[] loops, ConnectionProvider[] providers) {
        this.clients = clients;
        this.loops = loops;
        this.providers = providers;
    }

    /**
     * One lane: the user's client, used as it is (its pool, loops and settings), never disposed here.
     *
     * @param client the user's client
     * @return lanes of one
     */
    public static HttpLanes of(HttpClient client) {
        return new HttpLanes(new HttpClient[] {client}, null, new ConnectionProvider[0]);
    }

    /**
     * Lanes on Reactor Netty's global event loops, one per core at most, each with a pool of its own.
     *
     * @param name the pools' name (metrics, logs)
     * @param maxConnections the most connections of all lanes together, at least 1
     * @param pendingAcquireTimeout how long a call may wait for a connection of its lane
     * @param maxIdleTime how long an unused connection is kept
     * @param configure the settings every lane's client gets (timeouts, options)
     * @return the lanes
     */
    public static HttpLanes owned(String name, int maxConnections, Duration pendingAcquireTimeout,
            Duration maxIdleTime, UnaryOperator<HttpClient> configure) {
        List<EventLoop> all = new ArrayList<>();
        EventLoopGroup group = HttpResources.get().onClient(LoopResources.DEFAULT_NATIVE);
        for (EventExecutor executor : group) {
            if (executor instanceof EventLoop loop) {
                all.add(loop);
            }
        }
        int n = Math.max(1, Math.min(Math.min(all.size(), Runtime.getRuntime().availableProcessors()),
                maxConnections));
        HttpClient[] clients = new HttpClient[n];
        EventLoop[] loops = all.isEmpty() ? null : new EventLoop[n];
        ConnectionProvider[] providers = new ConnectionProvider[n];
        for (int i = 0; i < n; i++) {
            // maxConnections shared out: the first lanes take one more when it does not divide evenly.
            int share = maxConnections / n + (i < maxConnections % n ? 1 : 0);
            providers[i] = ConnectionProvider.builder(n == 1 ? name : name + "-" + i)
                    .maxConnections(share)
                    .pendingAcquireMaxCount(share * 32)
                    .pendingAcquireTimeout(pendingAcquireTimeout)
                    .maxIdleTime(maxIdleTime)
                    .build();
            HttpClient client = HttpClient.create(providers[i]);
            if (loops != null) {
                loops[i] = all.get(i);
                client = client.runOn(loops[i]);
            }
            clients[i] = configure.apply(client);
        }
        return new HttpLanes(clients, loops, providers);
    }

    /**
     * The client of the calling thread's lane: its own loop's, else the next lane in turn.
     *
     * @return the client to send through
     */
    public HttpClient current() {
        if (clients.length == 1) {
            return clients[0];
        }
        if (loops != null) {
            for (int i = 0; i < loops.length; i++) {
                if (loops[i].inEventLoop()) {
                    return clients[i];
                }
            }
        }
        return clients[Math.floorMod(next.getAndIncrement(), clients.length)];
    }

    /**
     * Closes the lanes' pools (not the loops: they are shared); a user's client is left untouched.
     *
     * @return completes when every pool is disposed
     */
    public Mono<Void> disposeLater() {
        return Flux.fromArray(providers).flatMap(ConnectionProvider::disposeLater).then();
    }
}
