package dev.dbbrain.reactive.ratelimit.redis;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DbbrainException;
import dev.dbbrain.reactive.DbbrainTransportException;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksRequest;
import dev.dbbrain.reactive.ErrorCategory;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.testing.SendStamps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;

/**
 * One member of a fleet sharing a DBbrain budget through Redis: {@code clients} clients, each with a limiter object
 * of its own, each keeping {@code concurrency} DescribeProxySessionKillTasks calls in flight for a window that starts
 * at an agreed wall-clock instant, so separate JVMs started at different moments compete over the same seconds.
 * Before the window each client sends one call, so connections are open when it starts.
 *
 * <p>Run as a process by {@code RedisFleetIT}: {@code endpoint redisUri secretId secretKey startEpochMillis
 * windowMillis clients concurrency stampsFile}; writes its clients' {@link SendStamps} to {@code stampsFile}
 * and prints {@link #clockOffset()}, then one line {@code sent=N throttled=N lateWrites=N from=N to=N}. Blocks its main
 * thread, which is no event loop.
 */
final class RedisFleetMember {

    /** What a member saw; {@code from} and {@code to} are the wall-clock bounds of its window, in epoch ms. */
    record Result(long sent, long throttled, long lateWrites, long from, long to) {
        @Override
        public String toString() {
            return "sent=" + sent + " throttled=" + throttled + " lateWrites=" + lateWrites + " from=" + from
                    + " to=" + to;
        }

        static Result parse(String line) {
            String[] f = line.trim().split("[ =]");
            return new Result(Long.parseLong(f[1]), Long.parseLong(f[3]), Long.parseLong(f[5]),
                    Long.parseLong(f[7]), Long.parseLong(f[9]));
        }

        Result plus(Result other) {
            return new Result(sent + other.sent, throttled + other.throttled, lateWrites + other.lateWrites,
                    Math.min(from, other.from), Math.max(to, other.to));
        }

        /** The span all windows covered together, in seconds. */
        double seconds() {
            return (to - from) / 1000.0;
        }
    }

    private RedisFleetMember() {
    }

    public static void main(String[] args) throws Exception {
        SendStamps stamps = new SendStamps();
        Result result = run(args[0], args[1], args[2], args[3], Long.parseLong(args[4]), Long.parseLong(args[5]),
                Integer.parseInt(args[6]), Integer.parseInt(args[7]), stamps);
        stamps.write(Path.of(args[8]));
        System.out.println(clockOffset());
        System.out.println(result);
        System.exit(0);
    }

    /**
     * {@code offset=N}: this JVM's {@link System#nanoTime()} minus its wall clock in nanoseconds. On Linux every JVM's
     * nanoTime is the machine's monotonic clock, so the offsets of the members and of the test agree within a
     * millisecond or two, and their send stamps are comparable; the test checks that before it compares them.
     */
    static String clockOffset() {
        return "offset=" + (System.nanoTime() - System.currentTimeMillis() * 1_000_000L);
    }

    static Result run(String endpoint, String redisUri, String secretId, String secretKey, long startEpochMillis,
            long windowMillis, int clients, int concurrency, SendStamps stamps) throws InterruptedException {
        List<RedisLimiter> limiters = new ArrayList<>();
        ConnectionProvider pool = SendStamps.ownedLikePool("redis-fleet-member");
        List<DbbrainClient> fleet = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            // Redis's answers may take more than the default second on a loaded machine, and each late one would
            // fail its request closed, unsent: budget left unused for a reason that is the machine's, not the
            // limiter's. What is measured here is how the fleet shares the budget when Redis answers.
            RedisLimiter limiter = (RedisLimiter) RedisRateLimiter.builder(redisUri)
                    .commandTimeout(Duration.ofSeconds(10)).build();
            limiters.add(limiter);
            // What the client builds for itself by default, plus the send stamps (one pool for the member's clients).
            fleet.add(DbbrainClient.builder().endpoint(endpoint).credentials(Credentials.of(secretId, secretKey))
                    .httpClient(stamps.likeTheOwnedClient(pool)).rateLimiter(limiter).maxRetries(0)
                    .responseTimeout(Duration.ofSeconds(10)).build());
        }
        AtomicLong sent = new AtomicLong();
        AtomicLong throttled = new AtomicLong();
        try {
            // Warm-up: one call per client that reached the service, so Redis and HTTP connections are open.
            Flux.fromIterable(fleet).flatMap(c -> {
                AtomicLong warm = new AtomicLong();
                return call(c, warm, new AtomicLong()).repeat(() -> warm.get() == 0);
            }).blockLast(Duration.ofSeconds(60));
            long lateBefore = limiters.stream().mapToLong(RedisLimiter::lateWrites).sum();
            long pause = startEpochMillis - System.currentTimeMillis();
            if (pause > 0) {
                Thread.sleep(pause);
            }
            long from = System.currentTimeMillis();
            Flux.fromIterable(fleet)
                    .flatMap(c -> Flux.range(0, concurrency).flatMap(i -> call(c, sent, throttled).repeat()))
                    .take(Duration.ofMillis(windowMillis))
                    .blockLast(Duration.ofMillis(windowMillis + 60_000));
            long to = System.currentTimeMillis();
            long late = limiters.stream().mapToLong(RedisLimiter::lateWrites).sum() - lateBefore;
            return new Result(sent.get(), throttled.get(), late, from, to);
        } finally {
            fleet.forEach(DbbrainClient::close);
            limiters.forEach(l -> l.close().block(Duration.ofSeconds(10)));
            pool.disposeLater().block(Duration.ofSeconds(10));
        }
    }

    /** One call; any answer counts as sent (the task does not exist), a throttling answer is counted apart. */
    private static Mono<Void> call(DbbrainClient client, AtomicLong sent, AtomicLong throttled) {
        return client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-fleet001", 1L))
                .then()
                .doOnSuccess(v -> sent.incrementAndGet())
                .onErrorResume(DbbrainException.class, e -> {
                    if (e instanceof DbbrainTransportException t && !t.requestSent()) {
                        // Failed closed (Redis did not answer): back off as a client's retry would.
                        System.err.println("not sent: " + e.getMessage());
                        return Mono.delay(Duration.ofMillis(100)).then();
                    }
                    sent.incrementAndGet();
                    if (e.category() == ErrorCategory.THROTTLED) {
                        throttled.incrementAndGet();
                    }
                    return Mono.empty();
                });
    }
}
