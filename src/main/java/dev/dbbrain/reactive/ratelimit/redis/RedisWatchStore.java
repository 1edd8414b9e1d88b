package dev.dbbrain.reactive.ratelimit.redis;

import dev.dbbrain.reactive.internal.LettuceClose;
import java.util.concurrent.Callable;
import dev.dbbrain.reactive.internal.SharedFormat;
import dev.dbbrain.reactive.internal.SharedWatchStore;
import dev.dbbrain.reactive.internal.TimeSource;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * The Redis side of shared watches ({@link RedisWatchSharing}): four Lua scripts, each one atomic step on Redis's
 * clock over the keys of one account and instance, and one pub/sub channel per account.
 *
 * <p>Keys, all under the account's hash tag (so one script may touch them all, in Redis Cluster too):
 * <ul>
 * <li>{@code <prefix>:v1:{<account>}:state:<instance>:<task>}, a string: the task's latest state as
 * {@code DWS1 <polledAt> <observedAt> <kind> <mac> <answer>} (see {@code SharedStateCodec}), expiring after the
 * retention;
 * <li>{@code <prefix>:v1:{<account>}:slot:<instance>:<task>}, a string: the token of the replica's round that polls
 * the task now, expiring after the lease unless renewed;
 * <li>channel {@code <prefix>:v1:{<account>}:published}: the instance ID, each time states of its tasks were written.
 * </ul>
 *
 * <p>Nothing stored is trusted: a state that does not parse, exceeds {@link SharedWatchStore#MAX_VALUE_BYTES}, is not
 * a string, or dates itself more than {@link #SKEW_MICROS} ahead of Redis's clock is never fresh and is overwritten;
 * a slot without expiry, or with more than {@link #MAX_LEASE} left, was not set by this library and is taken. So a
 * key written by hand can delay a task by one interval at most, never stop it.
 */
final class RedisWatchStore implements SharedWatchStore {

    /** How far ahead of Redis's clock a stored time may be before the value counts as foreign. */
    static final long SKEW_MICROS = 1_000_000L;
    /** The longest lease a builder gives; a slot with more left (or none) was not set by this library. */
    static final Duration MAX_LEASE = Duration.ofSeconds(60);
    /** How long opening a connection may take: a cold JVM's first also starts Lettuce's event loops. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** Claims (mode {@code c}) or reads (mode {@code p}) the slots of some tasks. */
    static final String SLOTS = """
            -- KEYS: state and slot key of each task, in turn. ARGV[1]: c = claim, p = peek; ARGV[2]: token;
            -- ARGV[3]: lease (ms); ARGV[4]: largest value (bytes); ARGV[5]: longest valid lease (ms); ARGV[6]: how far
            -- ahead a time may be (us); ARGV[6 + i]: task i's freshness (us), negative: never fresh.
            -- Answers 4 strings per task: kind (F fresh, M mine, H held, S stale), value, number (F: age in us,
            -- M: Redis's clock in us, H: lease left in ms), flags (f: a foreign value was found, b: a broken slot taken).
            if redis.replicate_commands then pcall(redis.replicate_commands) end
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
            local lease = tonumber(ARGV[3])
            local cap = tonumber(ARGV[4])
            local maxLease = tonumber(ARGV[5])
            local skew = tonumber(ARGV[6])
            local out = {}
            for i = 1, #KEYS / 2 do
              local stateKey, slotKey = KEYS[2 * i - 1], KEYS[2 * i]
              local maxAge = tonumber(ARGV[6 + i])
              local value = redis.pcall('GET', stateKey)
              local flags = ''
              local age = nil
              if type(value) == 'string' then
                local p, o, kind = string.match(value, '^DWS1 (%d+) (%d+) ([RTN]) ')
                p, o = tonumber(p), tonumber(o)
                if #value > cap or p == nil or o == nil or p > now + skew or o > now + skew then
                  flags = 'f'
                elseif maxAge >= 0 and (kind == 'T' or now - o < maxAge) then
                  age = math.max(0, now - o)
                end
              elseif type(value) == 'table' then
                flags = 'f'
              end
              if age ~= nil then
                out[#out + 1] = 'F'; out[#out + 1] = value; out[#out + 1] = string.format('%.0f', age)
                out[#out + 1] = flags
              else
                local left = redis.call('PTTL', slotKey)
                local valid = left > 0 and left <= maxLease
                if ARGV[1] == 'p' then
                  out[#out + 1] = valid and 'H' or 'S'; out[#out + 1] = ''
                  out[#out + 1] = valid and string.format('%.0f', left) or '0'; out[#out + 1] = flags
                elseif left == -2 or not valid then
                  if left ~= -2 then flags = flags .. 'b' end
                  redis.call('SET', slotKey, ARGV[2], 'PX', lease)
                  out[#out + 1] = 'M'; out[#out + 1] = ''; out[#out + 1] = string.format('%.0f', now)
                  out[#out + 1] = flags
                else
                  out[#out + 1] = 'H'; out[#out + 1] = ''; out[#out + 1] = string.format('%.0f', left)
                  out[#out + 1] = flags
                end
              end
            end
            return out
            """;

    /** Writes polled states (fenced), gives the round's slots back, and notifies the account's channel. */
    static final String PUBLISH = """
            -- KEYS: state and slot key of each task, in turn. ARGV[1]: token; ARGV[2]: retention (ms); ARGV[3]: the
            -- channel; ARGV[4]: the message; ARGV[5]: how far ahead a time may be (us); ARGV[6]: largest value
            -- (bytes); then per task: w = write, a = write unless a state (R or T) is stored, - = only give the slot
            -- back; and the value. A stored value the slots script would call foreign counts as none.
            if redis.replicate_commands then pcall(redis.replicate_commands) end
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
            local skew = tonumber(ARGV[5])
            local cap = tonumber(ARGV[6])
            local written = 0
            for i = 1, #KEYS / 2 do
              local stateKey, slotKey = KEYS[2 * i - 1], KEYS[2 * i]
              local how, value = ARGV[5 + 2 * i], ARGV[6 + 2 * i]
              if how ~= '-' then
                local p, o = string.match(value, '^DWS1 (%d+) (%d+) [RTN] ')
                p, o = tonumber(p), tonumber(o)
                local write = p ~= nil and o ~= nil and o <= now + skew
                if write then
                  local current = redis.pcall('GET', stateKey)
                  if type(current) == 'string' and #current <= cap then
                    local cp, co, ck = string.match(current, '^DWS1 (%d+) (%d+) ([RTN]) ')
                    cp, co = tonumber(cp), tonumber(co)
                    -- A later poll's state stays, and a task not reported never replaces a state seen.
                    if cp ~= nil and co ~= nil and cp <= now + skew and co <= now + skew then
                      if cp > p or (how == 'a' and ck ~= 'N') then write = false end
                    end
                  end
                end
                if write then
                  redis.call('SET', stateKey, value, 'PX', ARGV[2])
                  written = written + 1
                end
              end
              if redis.pcall('GET', slotKey) == ARGV[1] then redis.call('DEL', slotKey) end
            end
            if written > 0 then redis.call('PUBLISH', ARGV[3], ARGV[4]) end
            return written
            """;

    /** Extends (ARGV[2] = lease) or gives back (ARGV[2] = 0) the slots still held under the token ARGV[1]. */
    static final String SLOT_LEASE = """
            local held = 0
            for i = 1, #KEYS do
              if redis.pcall('GET', KEYS[i]) == ARGV[1] then
                held = held + 1
                if ARGV[2] == '0' then redis.call('DEL', KEYS[i]) else redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
              end
            end
            return held
            """;

    private record Script(String text, String digest) {
        Script(String text) {
            this(text, sha1(text));
        }
    }

    private static final Script SLOTS_SCRIPT = new Script(SLOTS);
    private static final Script PUBLISH_SCRIPT = new Script(PUBLISH);
    private static final Script LEASE_SCRIPT = new Script(SLOT_LEASE);

    private final RedisClient client;
    private final RedisURI uri;
    private final boolean ownsClient;
    private final String prefix;
    private final Duration commandTimeout;
    private final Duration lease;
    private final Duration retention;
    private final TimeSource time;
    private final AtomicReference<CompletableFuture<StatefulRedisConnection<String, String>>> connection =
            new AtomicReference<>();
    private final AtomicReference<CompletableFuture<StatefulRedisPubSubConnection<String, String>>> pubSub =
            new AtomicReference<>();
    /** The sink of each channel subscribed on the current pub/sub connection. */
    private final ConcurrentHashMap<String, Sinks.Many<String>> channels = new ConcurrentHashMap<>();
    /** Whether any connection has answered: until then a call may take the connect timeout. */
    private volatile boolean warm;

    record Settings(String prefix, Duration commandTimeout, Duration lease, Duration retention) {
    }

    private RedisWatchStore(RedisClient client, RedisURI uri, boolean ownsClient, Settings settings, TimeSource time) {
        this.client = client;
        this.uri = uri;
        this.ownsClient = ownsClient;
        this.prefix = settings.prefix();
        this.commandTimeout = settings.commandTimeout();
        this.lease = settings.lease();
        this.retention = settings.retention();
        this.time = time;
    }

    /** A store with a client of its own: reconnects only when asked (at the next call), never buffers. */
    static RedisWatchStore create(String redisUri, Settings settings, TimeSource time) {
        RedisURI uri = RedisBucketStore.parse(redisUri);
        RedisClient client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        return new RedisWatchStore(client, uri, true, settings, time);
    }

    /** A store on the caller's client; its options (reconnection, buffering) stay the caller's. */
    static RedisWatchStore create(Object client, String redisUri, Settings settings, TimeSource time) {
        return new RedisWatchStore((RedisClient) client, RedisBucketStore.parse(redisUri), false, settings, time);
    }

    // ---- Keys ----

    String stateKey(String account, String instanceId, long taskId) {
        return SharedFormat.WATCH_STATE.key(prefix, account, "state:" + instanceId + ":" + taskId);
    }

    String slotKey(String account, String instanceId, long taskId) {
        return SharedFormat.WATCH_SLOT.key(prefix, account, "slot:" + instanceId + ":" + taskId);
    }

    String channel(String account) {
        return SharedFormat.WATCH_PUBLISHED.key(prefix, account, "published");
    }

    private String[] stateAndSlotKeys(String account, String instanceId, List<Long> taskIds) {
        String[] keys = new String[taskIds.size() * 2];
        for (int i = 0; i < taskIds.size(); i++) {
            keys[2 * i] = stateKey(account, instanceId, taskIds.get(i));
            keys[2 * i + 1] = slotKey(account, instanceId, taskIds.get(i));
        }
        return keys;
    }

    // ---- Operations ----

    @Override
    public Mono<List<Slot>> claim(String account, String instanceId, List<Long> taskIds, long[] maxAgeMicros,
            String token) {
        return slots("c", account, instanceId, taskIds, maxAgeMicros, token);
    }

    @Override
    public Mono<List<Slot>> peek(String account, String instanceId, List<Long> taskIds, long[] maxAgeMicros) {
        return slots("p", account, instanceId, taskIds, maxAgeMicros, "");
    }

    private Mono<List<Slot>> slots(String mode, String account, String instanceId, List<Long> taskIds,
            long[] maxAgeMicros, String token) {
        String[] keys = stateAndSlotKeys(account, instanceId, taskIds);
        String[] args = new String[6 + taskIds.size()];
        args[0] = mode;
        args[1] = token;
        args[2] = Long.toString(lease.toMillis());
        args[3] = Integer.toString(MAX_VALUE_BYTES);
        args[4] = Long.toString(MAX_LEASE.toMillis());
        args[5] = Long.toString(SKEW_MICROS);
        for (int i = 0; i < taskIds.size(); i++) {
            args[6 + i] = Long.toString(maxAgeMicros[i]);
        }
        return this.<List<Object>>run(SLOTS_SCRIPT, ScriptOutputType.MULTI, keys, args)
                .map(reply -> slots(reply, taskIds.size()));
    }

    private static List<Slot> slots(List<Object> values, int tasks) {
        List<?> reply = values.size() == 1 && values.get(0) instanceof List<?> list ? list : values;
        if (reply.size() != 4 * tasks) {
            throw new IllegalStateException("unexpected reply from the slots script: " + reply.size() + " values for "
                    + tasks + " tasks");
        }
        List<Slot> slots = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            String kind = String.valueOf(reply.get(4 * i));
            String value = String.valueOf(reply.get(4 * i + 1));
            long number = Long.parseLong(String.valueOf(reply.get(4 * i + 2)));
            String flags = String.valueOf(reply.get(4 * i + 3));
            boolean foreign = flags.contains("f");
            slots.add(switch (kind) {
                case "F" -> new Slot(Kind.FRESH, value, number, 0, 0, foreign, false);
                case "M" -> new Slot(Kind.MINE, "", 0, number, 0, foreign, flags.contains("b"));
                case "H" -> new Slot(Kind.HELD, "", 0, 0, number, foreign, false);
                case "S" -> new Slot(Kind.STALE, "", 0, 0, 0, foreign, false);
                default -> throw new IllegalStateException("unexpected slot kind from the slots script: " + kind);
            });
        }
        return slots;
    }

    @Override
    public Mono<Integer> publish(String account, String instanceId, String token, List<Long> taskIds,
            List<Publication> states) {
        String[] keys = stateAndSlotKeys(account, instanceId, taskIds);
        String[] args = new String[6 + 2 * taskIds.size()];
        args[0] = token;
        args[1] = Long.toString(retention.toMillis());
        args[2] = channel(account);
        args[3] = instanceId;
        args[4] = Long.toString(SKEW_MICROS);
        args[5] = Integer.toString(MAX_VALUE_BYTES);
        for (int i = 0; i < taskIds.size(); i++) {
            args[6 + 2 * i] = "-";
            args[7 + 2 * i] = "";
            for (Publication p : states) {
                if (p.taskId() == taskIds.get(i)) {
                    args[6 + 2 * i] = p.onlyIfAbsent() ? "a" : "w";
                    args[7 + 2 * i] = p.value();
                }
            }
        }
        return this.<Long>run(PUBLISH_SCRIPT, ScriptOutputType.INTEGER, keys, args).map(Long::intValue);
    }

    @Override
    public Mono<Integer> renew(String account, String instanceId, String token, List<Long> taskIds) {
        return lease(account, instanceId, token, taskIds, lease.toMillis());
    }

    @Override
    public Mono<Void> release(String account, String instanceId, String token, List<Long> taskIds) {
        return lease(account, instanceId, token, taskIds, 0).then();
    }

    private Mono<Integer> lease(String account, String instanceId, String token, List<Long> taskIds, long millis) {
        String[] keys = new String[taskIds.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = slotKey(account, instanceId, taskIds.get(i));
        }
        return this.<Long>run(LEASE_SCRIPT, ScriptOutputType.INTEGER, keys, token, Long.toString(millis))
                .map(Long::intValue);
    }

    private <T> Mono<T> run(Script script, ScriptOutputType type, String[] keys, String... args) {
        return connection().flatMap(c -> Mono.<T>fromCompletionStage(
                        () -> c.async().<T>evalsha(script.digest(), type, keys, args))
                .onErrorResume(RedisNoScriptException.class, e -> Mono.fromCompletionStage(
                        () -> c.async().<T>eval(script.text(), type, keys, args)))
                .doOnSuccess(r -> warm = true));
    }

    // ---- Notifications ----

    @Override
    public Flux<String> published(String account) {
        String channel = channel(account);
        return pubSubConnection().flatMapMany(c -> {
            Sinks.Many<String> sink = channels.get(channel);
            if (sink != null) {
                return sink.asFlux();
            }
            Sinks.Many<String> fresh = Sinks.many().multicast().directBestEffort();
            Sinks.Many<String> raced = channels.putIfAbsent(channel, fresh);
            if (raced != null) {
                return raced.asFlux();
            }
            return Mono.fromCompletionStage(() -> c.async().subscribe(channel))
                    .doOnError(e -> {
                        channels.remove(channel, fresh);
                        fresh.tryEmitError(e);
                    })
                    .thenMany(fresh.asFlux());
        });
    }

    /** The pub/sub connection, opened (again) when there is none or it closed. */
    private Mono<StatefulRedisPubSubConnection<String, String>> pubSubConnection() {
        return open(pubSub, () -> client.connectPubSubAsync(StringCodec.UTF8, uri), c -> {
            c.addListener(new RedisPubSubAdapter<String, String>() {
                @Override
                public void message(String channel, String message) {
                    Sinks.Many<String> sink = channels.get(channel);
                    if (sink != null) {
                        sink.tryEmitNext(message);
                    }
                }
            });
            // Messages sent while a connection is down are lost for good, and a reconnected one may have lost its
            // subscriptions: end the listeners' streams at the first disconnection, and close the connection, so
            // that the next subscriber opens a fresh one and subscribes again.
            c.addListener(new RedisConnectionStateListener() {
                @Override
                public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                    endChannels(c);
                }
            });
        });
    }

    private void endChannels(StatefulRedisPubSubConnection<String, String> c) {
        CompletableFuture<StatefulRedisPubSubConnection<String, String>> current = pubSub.get();
        if (current != null && current.isDone() && !current.isCompletedExceptionally() && current.join() == c) {
            pubSub.compareAndSet(current, null);
        }
        if (c.isOpen()) {
            // Reconnecting on its own (the application's client may): stop it; a new connection subscribes afresh.
            // Never on this thread (perhaps an event loop): Lettuce's close may spin on it (see LettuceClose).
            LettuceClose.close("a Redis subscription to " + address(), time.scheduler(), LettuceClose.BOUND,
                    List.of(c::closeAsync)).subscribe();
        }
        for (String channel : List.copyOf(channels.keySet())) {
            Sinks.Many<String> sink = channels.remove(channel);
            if (sink != null) {
                sink.tryEmitComplete();
            }
        }
    }

    // ---- Connections ----

    private Mono<StatefulRedisConnection<String, String>> connection() {
        return open(connection, () -> client.connectAsync(StringCodec.UTF8, uri), c -> {
        });
    }

    /**
     * The open connection of {@code ref}, opened (again) when there is none or it closed; opening resolves names, so
     * it runs on a bounded-elastic thread, and is bounded by {@link #CONNECT_TIMEOUT}.
     */
    private <C extends StatefulRedisConnection<String, String>> Mono<C> open(
            AtomicReference<CompletableFuture<C>> ref, java.util.function.Supplier<CompletionStage<C>> connect,
            java.util.function.Consumer<C> onOpen) {
        return Mono.defer(() -> {
            CompletableFuture<C> current = ref.get();
            C open = current != null && current.isDone() && !current.isCompletedExceptionally() ? current.join()
                    : null;
            if (open != null && open.isOpen()) {
                return Mono.just(open);
            }
            if (current == null || current.isCompletedExceptionally() || open != null) {
                CompletableFuture<C> fresh = new CompletableFuture<>();
                if (ref.compareAndSet(current, fresh)) {
                    if (open != null) {
                        // Off this thread, bounded: Lettuce's close may spin on it (see LettuceClose).
                        LettuceClose.close("a closed Redis connection to " + address(), time.scheduler(),
                                LettuceClose.BOUND, List.of(open::closeAsync)).subscribe();
                    }
                    Schedulers.boundedElastic().schedule(() -> {
                        try {
                            connect.get().whenComplete((c, e) -> {
                                if (e != null) {
                                    fresh.completeExceptionally(e);
                                } else {
                                    onOpen.accept(c);
                                    fresh.complete(c);
                                }
                            });
                        } catch (Throwable e) {
                            fresh.completeExceptionally(e);
                        }
                    });
                }
                current = ref.get();
            }
            CompletableFuture<C> attempt = current;
            return Mono.fromFuture(attempt, true).timeout(CONNECT_TIMEOUT, time.scheduler())
                    .doOnError(e -> ref.compareAndSet(attempt, null));
        });
    }

    @Override
    public Duration timeout() {
        // A cold JVM's first connection also starts Lettuce: counted against the command timeout it would open an
        // outage at start-up. Once any call has answered, a reconnection is bounded like a command.
        return warm ? commandTimeout : CONNECT_TIMEOUT.plus(commandTimeout);
    }

    @Override
    public Duration lease() {
        return lease;
    }

    @Override
    public String address() {
        return uri.getHost() + ":" + uri.getPort();
    }

    /**
     * Closes the connections, and the client when this store made it, off the caller's thread; completes within
     * {@link LettuceClose#BOUND} on the store's scheduler whatever Lettuce does. A connection still being opened is
     * closed once it is open.
     */
    Mono<Void> close() {
        List<Callable<CompletionStage<?>>> steps = new ArrayList<>(3);
        for (CompletableFuture<? extends StatefulRedisConnection<String, String>> f : java.util.Arrays.asList(
                connection.getAndSet(null), pubSub.getAndSet(null))) {
            if (f != null && !f.isCompletedExceptionally()) {
                // join() waits, on the closing thread, for a connection still being opened.
                steps.add(() -> f.join().closeAsync());
            }
        }
        if (ownsClient) {
            steps.add(client::shutdownAsync);
        }
        return LettuceClose.close("the shared watches' Redis connections to " + address(), time.scheduler(),
                LettuceClose.BOUND, steps);
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }
}
