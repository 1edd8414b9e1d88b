package dev.dbbrain.reactive.ratelimit.redis;

import dev.dbbrain.reactive.internal.LettuceClose;
import dev.dbbrain.reactive.internal.TimeSource;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The Redis side of {@link RedisLimiter}: one Lua script, run atomically by Redis over one small hash per
 * (SecretId hash, action), on Redis's own clock ({@code TIME}), so every JVM sees the same schedule.
 *
 * <p>The script hands out <em>reservations</em> on a GCRA schedule (a token bucket written as "the theoretical
 * arrival time {@code t} of the next permit"): an acquire takes the slot {@code max(now, t - tolerance)} and moves
 * {@code t} one interval on, so it always succeeds in one round trip and answers how long to wait; nobody polls or
 * retries a compare-and-swap, so no JVM can starve another. A refund (a waiter cancelled before its slot) steps
 * {@code t} back when the slot is the latest reservation; otherwise the slot goes on a short list of returned slots
 * that the next acquirers take first. Either way no two grants ever share a slot, so the schedule — and the limit —
 * holds whatever is cancelled. The key expires when {@code t} has passed: from then on the bucket is full, exactly
 * as if the key did not exist, so expiry loses nothing.
 *
 * <p>The schedule never runs further ahead than a <em>horizon</em> (the longest wait the limiter accepts): an acquire
 * whose slot lies beyond it reserves nothing, a delay stops at it, and a stored {@code t} further on than this script
 * ever writes (a key poisoned by hand, corrupt, or set by something else) is discarded — the schedule restarts from
 * now — while the acquire that found it is answered the wait it would have asked, so its limiter reports the fault
 * instead of waiting, perhaps for centuries.
 *
 * <p>The hash is {@link dev.dbbrain.reactive.internal.SharedFormat#RATE_BUCKET}, version 1, under
 * {@code <prefix>:v1:{<account>}:<action>}. While the previous layout is honoured (the default; see
 * {@link RedisRateLimiter.Builder#previousLayout(boolean)}), each call also reads the bucket's unversioned key, which
 * replicas of older builds use with their own script, takes the later of the two schedules and the returned slots
 * of both, and writes the result back to both keys in that layout, so both builds reserve from one schedule. The
 * returned slots then live in the unversioned key alone: a slot handed back to one list only is never taken twice.
 *
 * <p>Only this class touches Lettuce, so the core library loads without it. Numbers cross as strings: Redis's Lua
 * would print a 16-digit microsecond timestamp with 14 significant digits.
 */
final class RedisBucketStore {

    static final String SCRIPT = """
            -- Layout v1 (SharedFormat.RATE_BUCKET). KEYS[1]: one bucket. Fields: t = when the next permit is due at
            -- the steady pace (microseconds, Redis clock); f = slots handed back by cancelled waiters, ascending.
            -- KEYS[2], while the previous layout is honoured: the same bucket's unversioned key (same fields, same
            -- hash tag), which replicas of older builds read and write with their own script.
            -- ARGV[1]: a = acquire, r = refund ARGV[5] (slot) reserved as ARGV[6] (t after it, -1 for a returned
            -- slot), p = push t on by ARGV[5] microseconds. ARGV[2]: microseconds between permits; ARGV[3]: burst
            -- tolerance; ARGV[4]: horizon, the longest wait a slot may be reserved for.
            if redis.replicate_commands then pcall(redis.replicate_commands) end
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
            local interval = tonumber(ARGV[2])
            local tolerance = tonumber(ARGV[3])
            local horizon = tonumber(ARGV[4])
            -- Both fields in one read per key; false when absent.
            local fields = redis.call('HMGET', KEYS[1], 't', 'f')
            local previous = KEYS[2] and redis.call('HMGET', KEYS[2], 't', 'f')
            -- This script never stores t more than horizon + interval + tolerance ahead: a t further on (or not a
            -- number) was written by something else, a poisoned or corrupt key. Nothing of it can be trusted: the
            -- schedule restarts from now, as if the key had expired, and an acquire answers the wait that t asked
            -- for (at most 1e17) without reserving, so the caller reports the fault. With two keys the schedule is
            -- the later of the two: each replica of either build has moved one of them on, and a t later than
            -- needed only costs a slot, never grants one twice.
            local t = nil
            local corrupt = nil
            local function schedule(stored)
              if not stored then return end
              local value = tonumber(stored)
              if value == nil or value ~= value or value > now + horizon + interval + tolerance then
                local wait = 1e17
                if value ~= nil and value == value then wait = math.min(value - now, 1e17) end
                corrupt = math.max(corrupt or 0, wait)
              elseif t == nil or value > t then
                t = value
              end
            end
            schedule(fields[1])
            if previous then schedule(previous[1]) end
            if corrupt or t == nil then t = now end
            -- Returned slots of both keys: each slot was handed back to one of them only, so none is taken twice.
            local free = {}
            local function collect(stored)
              if not stored or corrupt then return end
              for s in string.gmatch(stored, '%d+') do
                local slot = tonumber(s)
                if slot >= now and slot <= now + horizon then free[#free + 1] = slot end
              end
            end
            collect(fields[2])
            if previous then
              collect(previous[2])
              table.sort(free)
            end
            local result
            if ARGV[1] == 'a' then
              if corrupt then
                result = {corrupt, now + corrupt, -1}
              elseif #free > 0 then
                local slot = table.remove(free, 1)
                result = {slot - now, slot, -1}
              else
                local slot = math.max(now, t - tolerance)
                if slot - now > horizon then
                  -- Beyond the horizon: reserve nothing; the caller refuses the wait.
                  result = {slot - now, slot, -1}
                else
                  t = math.max(t, now) + interval
                  result = {slot - now, slot, t}
                end
              end
            elseif ARGV[1] == 'r' then
              local slot = tonumber(ARGV[5])
              local after = tonumber(ARGV[6])
              if after >= 0 and after == t then
                t = after - interval
              elseif slot >= now and slot <= now + horizon and #free < 256 then
                free[#free + 1] = slot
                table.sort(free)
              end
              result = {0, 0, t}
            else
              t = math.min(math.max(t, now) + tonumber(ARGV[5]), now + horizon)
              result = {0, 0, t}
            end
            local returned = nil
            if #free > 0 then
              local parts = {}
              for i, slot in ipairs(free) do parts[i] = string.format('%.0f', slot) end
              returned = table.concat(parts, ' ')
            end
            local function save(key, list, stored)
              if list then
                redis.call('HSET', key, 't', string.format('%.0f', t), 'f', list)
              else
                redis.call('HSET', key, 't', string.format('%.0f', t))
                if stored then redis.call('HDEL', key, 'f') end
              end
              redis.call('PEXPIRE', key, math.max(1, math.ceil((t - now) / 1000) + 1))
            end
            if previous then
              -- The same schedule in both keys; returned slots in the previous key only, where every build finds
              -- them.
              save(KEYS[2], returned, previous[2])
              save(KEYS[1], nil, fields[2])
            else
              save(KEYS[1], returned, fields[2])
            end
            return {string.format('%.0f', result[1]), string.format('%.0f', result[2]),
              string.format('%.0f', result[3])}
            """;

    static final String DIGEST = sha1(SCRIPT);

    /** A reservation: wait {@code waitMicros}, for {@code slot} (Redis clock); {@code after} identifies it to a refund. */
    record Reservation(long waitMicros, long slot, long after) {
    }

    /**
     * How long opening a connection may take: a first connection also starts Lettuce's event loops, which takes a
     * cold JVM far longer than a command; counted against the command timeout it would open an outage at start-up.
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final RedisClient client;
    private final RedisURI uri;
    private final boolean ownsClient;
    private final Duration commandTimeout;
    private final TimeSource time;
    /** Bounds every script call to the command timeout (the first of a connection to the connect timeout). */
    private final CommandDeadlines deadlines;
    private final AtomicReference<CompletableFuture<StatefulRedisConnection<String, String>>> connection =
            new AtomicReference<>();
    /** The connection that has answered a call: later calls on it get the command timeout. */
    private volatile StatefulRedisConnection<String, String> answered;

    private RedisBucketStore(RedisClient client, RedisURI uri, boolean ownsClient, Duration commandTimeout,
            TimeSource time) {
        this.client = client;
        this.uri = uri;
        this.ownsClient = ownsClient;
        this.commandTimeout = commandTimeout;
        this.time = time;
        this.deadlines = new CommandDeadlines(time, commandTimeout.toNanos());
    }

    /** A store with a client of its own: reconnects only when asked (on the limiter's probe), never buffers. */
    static RedisBucketStore create(String redisUri, Duration commandTimeout, TimeSource time) {
        RedisURI uri = parse(redisUri);
        RedisClient client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        return new RedisBucketStore(client, uri, true, commandTimeout, time);
    }

    /** A store on the caller's client; its options (reconnection, buffering) stay the caller's. */
    static RedisBucketStore create(Object client, String redisUri, Duration commandTimeout, TimeSource time) {
        return new RedisBucketStore((RedisClient) client, parse(redisUri), false, commandTimeout, time);
    }

    static RedisURI parse(String redisUri) {
        try {
            return RedisURI.create(redisUri);
        } catch (RuntimeException e) {
            // The message of Lettuce's exception may repeat the URI, and with it a password.
            throw new IllegalArgumentException("redisUri is not a valid Redis URI (redis://host:port)");
        }
    }

    /**
     * Reserves the next slot; a slot more than {@code horizonMicros} away is answered but not reserved (see
     * {@link RedisBucket}: the caller refuses such a wait).
     */
    Mono<Reservation> acquire(String[] keys, long intervalMicros, long toleranceMicros, long horizonMicros) {
        return run(keys, "a", Long.toString(intervalMicros), Long.toString(toleranceMicros),
                Long.toString(horizonMicros));
    }

    Mono<Reservation> refund(String[] keys, long intervalMicros, long toleranceMicros, long horizonMicros,
            Reservation reservation) {
        return run(keys, "r", Long.toString(intervalMicros), Long.toString(toleranceMicros),
                Long.toString(horizonMicros), Long.toString(reservation.slot()), Long.toString(reservation.after()));
    }

    Mono<Reservation> delay(String[] keys, long intervalMicros, long toleranceMicros, long horizonMicros,
            long micros) {
        return run(keys, "p", Long.toString(intervalMicros), Long.toString(toleranceMicros),
                Long.toString(horizonMicros), Long.toString(micros));
    }

    /** One script call on the bucket's keys: its own, then the previous layout's when that is honoured. */
    private Mono<Reservation> run(String[] keys, String... args) {
        return connection().flatMap(c -> {
            RedisAsyncCommands<String, String> redis = c.async();
            // A connection's first call loads the script and, in a cold JVM, much of Lettuce: connect time too.
            boolean first = answered != c;
            // One round trip in the common case; the script is sent whole only when this server has not seen it.
            // The asynchronous API, not the reactive one: one future per call instead of a publisher with demand
            // to negotiate, for a reply that is one small array.
            Mono<Reservation> command = Mono.fromCompletionStage(
                            () -> redis.<List<Object>>evalsha(DIGEST, ScriptOutputType.MULTI, keys, args))
                    .onErrorResume(RedisNoScriptException.class, e -> Mono.fromCompletionStage(
                            () -> redis.<List<Object>>eval(SCRIPT, ScriptOutputType.MULTI, keys, args)))
                    .map(RedisBucketStore::reservation);
            return deadlines.within(command, (first ? CONNECT_TIMEOUT : commandTimeout).toNanos())
                    .doOnSuccess(r -> answered = c);
        });
    }

    /** The script's answer (wait, slot, after), from the reply Lettuce hands over. */
    static Reservation reservation(List<Object> values) {
        // Lettuce emits a multi-bulk reply as one List element.
        List<?> reply = values.size() == 1 && values.get(0) instanceof List<?> list ? list : values;
        if (reply.size() != 3) {
            throw new IllegalStateException("unexpected reply from the rate-limit script: " + reply.size()
                    + " values");
        }
        return new Reservation(Long.parseLong(reply.get(0).toString()), Long.parseLong(reply.get(1).toString()),
                Long.parseLong(reply.get(2).toString()));
    }

    /** The open connection, opened (again) when there is none or it closed: connecting resolves names, so not here. */
    private Mono<StatefulRedisConnection<String, String>> connection() {
        return Mono.defer(() -> {
            CompletableFuture<StatefulRedisConnection<String, String>> current = connection.get();
            StatefulRedisConnection<String, String> open = current != null && current.isDone()
                    && !current.isCompletedExceptionally() ? current.join() : null;
            if (open != null && open.isOpen()) {
                // The common case: connected. No connect timer to set and cancel for every call.
                return Mono.just(open);
            }
            if (current == null || current.isCompletedExceptionally()
                    || (current.isDone() && !current.join().isOpen())) {
                CompletableFuture<StatefulRedisConnection<String, String>> fresh = new CompletableFuture<>();
                if (connection.compareAndSet(current, fresh)) {
                    if (current != null && current.isDone() && !current.isCompletedExceptionally()) {
                        // Never on this thread (a command's caller, perhaps an event loop): Lettuce's close may
                        // spin on it (see LettuceClose).
                        StatefulRedisConnection<String, String> closed = current.join();
                        LettuceClose.close("a closed Redis connection to " + address(), time.scheduler(),
                                LettuceClose.BOUND, List.of(closed::closeAsync)).subscribe();
                    }
                    Schedulers.boundedElastic().schedule(() -> {
                        try {
                            client.connectAsync(StringCodec.UTF8, uri).whenComplete((c, e) -> {
                                if (e != null) {
                                    fresh.completeExceptionally(e);
                                } else {
                                    fresh.complete(c);
                                }
                            });
                        } catch (Throwable e) {
                            // Even a linkage error ends this attempt: the next call tries again.
                            fresh.completeExceptionally(e);
                        }
                    });
                }
                current = connection.get();
            }
            CompletableFuture<StatefulRedisConnection<String, String>> attempt = current;
            return Mono.fromFuture(attempt, true).timeout(CONNECT_TIMEOUT, time.scheduler())
                    .doOnError(e -> connection.compareAndSet(attempt, null));
        });
    }

    /**
     * Closes the connection, and the client when this store made it, off the caller's thread; completes within
     * {@link LettuceClose#BOUND} on the store's scheduler whatever Lettuce does. A connection still being opened is
     * closed once it is open.
     */
    Mono<Void> close() {
        CompletableFuture<StatefulRedisConnection<String, String>> current = connection.getAndSet(null);
        List<Callable<CompletionStage<Void>>> steps = new ArrayList<>(2);
        if (current != null && !current.isCompletedExceptionally()) {
            // join() waits, on the closing thread, for a connection still being opened.
            steps.add(() -> current.join().closeAsync());
        }
        if (ownsClient) {
            steps.add(client::shutdownAsync);
        }
        return LettuceClose.close("the rate limiter's Redis connection to " + address(), time.scheduler(),
                LettuceClose.BOUND, steps);
    }

    /** Where the store connects, without credentials. */
    String address() {
        return uri.getHost() + ":" + uri.getPort();
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
