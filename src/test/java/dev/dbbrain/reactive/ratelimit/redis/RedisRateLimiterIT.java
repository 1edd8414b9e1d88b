package dev.dbbrain.reactive.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DbbrainTransportException;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksRequest;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.internal.SharedFormat;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.testing.RedisProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The Redis limiter against a real redis-server: the script's schedule, refunds, keys, expiry and outages. */
class RedisRateLimiterIT {

    /** A guard against hangs, not a speed claim: a loaded machine's Redis and emulator take their time. */
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Redis's clock and the JVM's are read at different instants of the same real time: a millisecond apart. */
    private static final long CLOCK_TOLERANCE_MICROS = 1_000;
    /**
     * The command timeout of every limiter here unless a test sets its own: one that a live Redis meets on a loaded
     * machine. With the default second (or the 300 ms the outage tests had), a slow answer was an outage of its own:
     * a request failed closed and was retried (a fifth credentials fetch where four were expected), or a second
     * warning where one outage was expected. A killed Redis is still noticed at once: its connection closes, and
     * commands on a closed connection are refused.
     */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final String ACTION = "DescribeProxySessionKillTasks";
    /** A horizon no test schedule reaches, in microseconds. */
    private static final long HOUR = 3_600_000_000L;

    private static RedisProcess redis;
    private final List<RedisLimiter> limiters = new CopyOnWriteArrayList<>();
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    /** Held here: JUL keeps loggers only weakly, and a new one would have no handler. */
    private final Logger log = Logger.getLogger(RedisLimiter.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void clean() {
        redis.admin().flushall();
        redis.admin().configResetstat();
        log.setLevel(Level.ALL);
        log.addHandler(capture);
    }

    @AfterEach
    void close() {
        log.removeHandler(capture);
        log.setLevel(null);
        for (RedisLimiter limiter : limiters) {
            limiter.close().block(WAIT);
        }
    }

    /** The JVM's monotonic clock, to bound how far Redis's clock moved between two points of a test. */
    private static long nowMicros() {
        return System.nanoTime() / 1_000;
    }

    /** A builder for the test's Redis with {@link #COMMAND_TIMEOUT}. */
    private static RedisRateLimiter.Builder builder() {
        return RedisRateLimiter.builder(redis.uri()).commandTimeout(COMMAND_TIMEOUT);
    }

    private RedisLimiter limiter(RedisRateLimiter.Builder builder) {
        RedisLimiter limiter = (RedisLimiter) builder.build();
        limiters.add(limiter);
        return limiter;
    }

    @Test
    void scriptHandsOutOneScheduleAndRefundsGiveSlotsBackExactly() {
        RedisBucketStore store = limiter(builder().permitsPerSecond(1)).store();
        long interval = 1_000_000;
        String[] key = {"test:{schedule}:" + ACTION};
        long t0 = nowMicros();
        RedisBucketStore.Reservation a1 = store.acquire(key, interval, 0, HOUR).block(WAIT);
        RedisBucketStore.Reservation a2 = store.acquire(key, interval, 0, HOUR).block(WAIT);
        long t2 = nowMicros();
        RedisBucketStore.Reservation a3 = store.acquire(key, interval, 0, HOUR).block(WAIT);
        assertThat(a1.waitMicros()).isZero();
        assertThat(a2.slot()).isEqualTo(a1.slot() + interval);
        assertThat(a3.slot()).isEqualTo(a2.slot() + interval);
        // a2 waits for a1's slot + 1 s, less however long Redis's clock moved between the two (at most t2 - t0).
        assertThat(a2.waitMicros()).isBetween(interval - (t2 - t0) - CLOCK_TOLERANCE_MICROS, interval);

        // The latest reservation handed back: the schedule steps back, the next acquirer gets that very slot.
        store.refund(key, interval, 0, HOUR, a3).block(WAIT);
        RedisBucketStore.Reservation a4 = store.acquire(key, interval, 0, HOUR).block(WAIT);
        assertThat(a4.slot()).isEqualTo(a3.slot());

        // An earlier one handed back: it goes to the next acquirer; the schedule's end stays where it was.
        store.refund(key, interval, 0, HOUR, a2).block(WAIT);
        RedisBucketStore.Reservation a5 = store.acquire(key, interval, 0, HOUR).block(WAIT);
        assertThat(a5.slot()).isEqualTo(a2.slot());
        assertThat(a5.after()).isEqualTo(-1);
        RedisBucketStore.Reservation a6 = store.acquire(key, interval, 0, HOUR).block(WAIT);
        assertThat(a6.slot()).isEqualTo(a4.slot() + interval);
    }

    @Test
    void burstOfThreeLeavesAtOnceThenThePaceHolds() {
        RedisBucketStore store = limiter(builder()).store();
        long interval = 1_000_000;
        String[] key = {"test:{burst}:" + ACTION};
        long t0 = nowMicros();
        List<RedisBucketStore.Reservation> r = Flux.range(0, 4)
                .concatMap(i -> store.acquire(key, interval, 2 * interval, HOUR)).collectList().block(WAIT);
        long t1 = nowMicros();
        assertThat(r.subList(0, 3)).allSatisfy(x -> assertThat(x.waitMicros()).isLessThan(interval / 2));
        // One interval after the burst, less however long the four calls took.
        assertThat(r.get(3).waitMicros()).isBetween(interval - (t1 - t0) - CLOCK_TOLERANCE_MICROS, interval);
    }

    @Test
    void cancelledWaiterGivesItsPlaceToTheNextInLine() {
        VirtualTimeScheduler virtual = VirtualTimeScheduler.create();
        RedisLimiter limiter = limiter(builder().permitsPerSecond(1)
                .commandTimeout(Duration.ofHours(1)).scheduler(virtual));
        List<Integer> order = new CopyOnWriteArrayList<>();
        long t0 = nowMicros();
        Disposable[] waiters = new Disposable[4];
        for (int i = 0; i < 4; i++) {
            int n = i;
            waiters[i] = limiter.acquire(ACTION).subscribe(null, null, () -> order.add(n));
        }
        // The reservations come back from Redis in real time; the waits then run in virtual time.
        awaitTrue(() -> limiter.bucket(null, ACTION).reserved() == 3);
        long reserved = nowMicros();
        virtual.advanceTime();
        assertThat(order).containsExactly(0);

        waiters[1].dispose();
        virtual.advanceTimeBy(Duration.ofMillis(2_200));
        assertThat(order).as("the third and fourth waiter move up into slots 1 s and 2 s").containsExactly(0, 2, 3);

        // The slot handed back was the schedule's last (3 s): the next acquirer anywhere gets it, not 4 s.
        awaitTrue(() -> limiter.refunds() == 1);
        long asked = nowMicros();
        RedisBucketStore.Reservation next = limiter.store().acquire(limiter.bucket(null, ACTION).keys(),
                limiter.intervalMicros(), 0, limiter.horizonMicros()).block(WAIT);
        long answered = nowMicros();
        // The slot 3 s after the first reservation (made between t0 and `reserved`), as seen from the moment of
        // this acquire (between `asked` and `answered`): bounds from the real time that passed, whatever it was.
        // The slot after it (4 s) would be a second later than the upper bound, unless the reservations and this
        // acquire themselves took a second.
        assertThat(next.waitMicros()).isBetween(3_000_000L - (answered - t0) - CLOCK_TOLERANCE_MICROS,
                3_000_000L - (asked - reserved) + CLOCK_TOLERANCE_MICROS);
        assertThat(limiter.state(ACTION).granted()).isEqualTo(3);
        assertThat(limiter.state(ACTION).queued()).isZero();
    }

    @Test
    void oneScriptCallPerAcquireAndTheScriptIsReloadedWhenRedisForgotIt() {
        RedisLimiter limiter = limiter(builder().permitsPerSecond(10_000).burst(1_000));
        Flux.range(0, 200).flatMap(i -> limiter.acquire(ACTION), 16).blockLast(WAIT);
        Map<String, Long> calls = redis.commandCalls();
        assertThat(calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L)).isEqualTo(200);
        assertThat(calls.getOrDefault("eval", 0L)).as("the script sent whole once at most").isLessThanOrEqualTo(1);

        redis.admin().scriptFlush();
        limiter.acquire(ACTION).block(WAIT);
        limiter.acquire(ACTION).block(WAIT);
        Map<String, Long> after = redis.commandCalls();
        assertThat(after.getOrDefault("eval", 0L) - calls.getOrDefault("eval", 0L)).isEqualTo(1);
    }

    @Test
    void keysHoldOnlyAHashOfTheSecretIdAndExpireOnceTheBucketIsFullAgain() {
        String secretId = "AKIDredisKeyHash0123456789";
        String secretKey = "redis-key-hash-secret-key";
        DbbrainEmulator emulator = DbbrainEmulator.builder().credentials(secretId, secretKey).rateLimit(20).start();
        RedisLimiter limiter = limiter(builder().permitsPerSecond(1));
        DbbrainClient client = DbbrainClient.builder().endpoint(emulator.endpoint())
                .credentials(Credentials.of(secretId, secretKey)).rateLimiter(limiter).build();
        try {
            Flux.range(0, 3).concatMap(i -> client.describeProxySessionKillTasks(
                    DescribeProxySessionKillTasksRequest.of("crs-rediskey1", 1L)).onErrorResume(e -> Mono.empty()))
                    .blockLast(WAIT);
            // The versioned key, and the unversioned one of older builds, honoured by default (one schedule in both).
            String account = SharedFormat.account(secretId);
            List<String> keys = redis.keys();
            assertThat(keys).containsExactlyInAnyOrder("dbbrain:rate:v1:{" + account + "}:" + ACTION,
                    "dbbrain:rate:{" + account + "}:" + ACTION);
            for (String key : keys) {
                String everything = keys + " " + redis.admin().hgetall(key);
                assertThat(everything).doesNotContain(secretId).doesNotContain(secretKey)
                        .doesNotContain(secretId.substring(4, 16));
                assertThat(redis.admin().pttl(key)).isPositive().isLessThanOrEqualTo(1_001);
            }
            assertThat(redis.admin().hget(keys.get(0), "t")).isEqualTo(redis.admin().hget(keys.get(1), "t"));
            awaitTrue(() -> redis.keys().isEmpty());
        } finally {
            client.close();
            emulator.stop();
        }
    }

    @Test
    void rotatingTemporaryCredentialsShareTheKeyPrefixsBucketAndNeverReachRedis() {
        List<Credentials> rotation = List.of(Credentials.of("AKIDtmpRedisOne", "tmp-redis-key-one", "tmp-token-one"),
                Credentials.of("AKIDtmpRedisTwo", "tmp-redis-key-two", "tmp-token-two"));
        DbbrainEmulator.Builder builder = DbbrainEmulator.builder().rateLimit(20);
        rotation.forEach(c -> builder.temporaryCredentials(c.secretId(), c.secretKey(), c.token().orElseThrow()));
        DbbrainEmulator emulator = builder.start();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        RedisLimiter limiter = limiter(builder().permitsPerSecond(1).keyPrefix("acct7"));
        DbbrainClient client = DbbrainClient.builder().endpoint(emulator.endpoint())
                .credentialsProvider(() -> Mono.fromSupplier(() -> rotation.get(next.getAndIncrement() % 2)))
                .rateLimiter(limiter).build();
        try {
            Flux.range(0, 4).concatMap(i -> client.describeProxySessionKillTasks(
                    DescribeProxySessionKillTasksRequest.of("crs-rediskey2", 1L)).onErrorResume(e -> Mono.empty()))
                    .blockLast(WAIT);
            // Each call asked the provider (so both key pairs were used); an attempt that a starved JVM could not
            // write within its slot's tolerance fails unsent and its retry asks again.
            assertThat(next.get()).isGreaterThanOrEqualTo(4);
            List<String> keys = redis.keys();
            assertThat(keys).containsExactlyInAnyOrder("acct7:v1:{-}:" + ACTION, "acct7:{-}:" + ACTION);
            for (String key : keys) {
                assertThat(keys + " " + redis.admin().hgetall(key)).doesNotContain("AKIDtmp")
                        .doesNotContain("tmp-redis-key").doesNotContain("tmp-token");
            }
        } finally {
            client.close();
            emulator.stop();
        }
    }

    @Test
    void withThePreviousLayoutTurnedOffOnlyTheVersionedKeyIsWritten() {
        // Three permits of a burst of three at one per 10 s: none waits, and the key lives about 30 s, so a loaded
        // machine reads it long before it expires.
        RedisLimiter limiter = limiter(builder().permitsPerSecond(0.1).burst(3)
                .previousLayout(false));
        Flux.range(0, 3).concatMap(i -> limiter.acquire(ACTION)).blockLast(WAIT);
        assertThat(redis.keys()).containsExactly("dbbrain:rate:v1:{-}:" + ACTION);
        assertThat(limiter.bucket(null, ACTION).keys()).containsExactly("dbbrain:rate:v1:{-}:" + ACTION);
        assertThat(limiter.toString()).contains("layout=v1,");
        assertThat(limiter(builder()).toString()).contains("layout=v1+previous,");
    }

    @Test
    void redisKilledFailsClosedWithATypedErrorLogsOnceAndRecovers() {
        RedisLimiter limiter = limiter(builder().permitsPerSecond(1_000).burst(100));
        limiter.acquire(ACTION).block(WAIT);
        redis.kill();
        try {
            for (int i = 0; i < 20; i++) {
                StepVerifier.create(limiter.acquire(ACTION))
                        .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(DbbrainTransportException.class,
                                t -> {
                                    assertThat(t.requestSent()).isFalse();
                                    assertThat(t.action()).isEqualTo(ACTION);
                                    assertThat(t.getMessage()).contains("Redis");
                                }))
                        .verify(WAIT);
            }
            assertThat(warnings()).as("one warning per outage").hasSize(1);
            assertThat(limiter.inOutage()).isTrue();
        } finally {
            redis.restart();
        }
        awaitTrue(() -> limiter.acquire(ACTION).then(Mono.just(true)).onErrorReturn(false).block(WAIT));
        assertThat(limiter.inOutage()).isFalse();
        assertThat(warnings()).hasSize(1);
        assertThat(logged).filteredOn(r -> r.getLevel() == Level.INFO).hasSize(1);
    }

    @Test
    void redisKilledFallsBackToALocalShareAndSharesAgainWhenItReturns() {
        RedisLimiter limiter = limiter(builder().permitsPerSecond(200).fallBackLocally(2));
        limiter.acquire(ACTION).block(WAIT);
        redis.kill();
        try {
            // Nothing hangs and nothing fails: the local bucket (100/s) grants every one of them.
            Flux.range(0, 30).flatMap(i -> limiter.acquire(ACTION)).blockLast(WAIT);
            assertThat(warnings()).hasSize(1);
        } finally {
            redis.restart();
        }
        awaitTrue(() -> {
            limiter.acquire(ACTION).block(WAIT);
            return !limiter.inOutage();
        });
        redis.admin().configResetstat();
        Flux.range(0, 10).concatMap(i -> limiter.acquire(ACTION)).blockLast(WAIT);
        assertThat(redis.commandCalls().getOrDefault("evalsha", 0L)).as("back on the shared budget").isEqualTo(10);
        assertThat(warnings()).hasSize(1);
    }

    @Test
    void aPoisonedBucketFailsTheCreateWithinTwoSecondsUnsentAndTheScriptRestartsItsSchedule() {
        String secretId = "AKIDpoisonedBucket01";
        String secretKey = "poisoned-bucket-key";
        DbbrainEmulator emulator = DbbrainEmulator.builder().credentials(secretId, secretKey).rateLimit(20).start();
        RedisLimiter limiter = limiter(builder());
        DbbrainClient client = DbbrainClient.builder().endpoint(emulator.endpoint())
                .credentials(Credentials.of(secretId, secretKey)).rateLimiter(limiter).maxRetries(0).build();
        String create = "CreateProxySessionKillTask";
        String key = SharedFormat.RATE_BUCKET.key("dbbrain:rate", SharedFormat.account(secretId), create);
        try {
            // A running application: its Redis connection open, its client warm (another action's bucket).
            client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-poison01", 1L))
                    .onErrorResume(e -> Mono.empty()).block(WAIT);
            // The reproduction: the bucket's schedule set far into the future (year 2255) by hand.
            redis.admin().hset(key, "t", "9000000000000000");
            long t0 = System.nanoTime();
            Throwable error = client.createProxySessionKillTask(
                            dev.dbbrain.reactive.CreateProxySessionKillTaskRequest.of("crs-poison01"))
                    .then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(WAIT);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            assertThat(error).isInstanceOfSatisfying(DbbrainTransportException.class, t -> {
                assertThat(t.requestSent()).isFalse();
                assertThat(t.getMessage()).contains("corrupt or poisoned");
            });
            assertThat(emulator.stats().requests()).as("nothing was sent").doesNotContainKey(create);
            assertThat(warnings()).singleElement().satisfies(w -> assertThat(w.getMessage()).contains("no usable"));

            // The script found the schedule beyond anything it writes and restarted it from now, as if the key had
            // expired (so it expires at once), and once the outage's probe interval has passed the fleet's budget
            // works again.
            String schedule = redis.admin().hget(key, "t");
            long redisNow = Long.parseLong(redis.admin().time().get(0)) * 1_000_000;
            assertThat(schedule == null ? redisNow : Long.parseLong(schedule))
                    .isLessThanOrEqualTo(redisNow + 2_000_000);
            awaitTrue(() -> client.createProxySessionKillTask(
                            dev.dbbrain.reactive.CreateProxySessionKillTaskRequest.of("crs-poison01"))
                    .then(Mono.just(true)).onErrorReturn(false).block(WAIT));
            assertThat(limiter.inOutage()).isFalse();
        } finally {
            client.close();
            emulator.stop();
        }
    }

    @Test
    void theScriptNeverRunsTheScheduleBeyondTheHorizon() {
        RedisBucketStore store = limiter(builder()).store();
        // Slots 10 s apart and a horizon half a slot short of the fourth: the calls may take up to 5 s between them
        // on a loaded machine before the fourth slot comes within the horizon (with 1 s and 2.5 s, half a second).
        long interval = 10_000_000;
        long horizon = 25_000_000;
        String[] key = {"test:{horizon}:" + ACTION};
        List<RedisBucketStore.Reservation> r = Flux.range(0, 5)
                .concatMap(i -> store.acquire(key, interval, 0, horizon)).collectList().block(WAIT);
        // Slots at 0, 10 s and 20 s are reserved; the fourth (30 s) lies beyond the horizon: answered, not reserved.
        assertThat(r.subList(0, 3)).allSatisfy(x -> assertThat(x.after()).isPositive());
        assertThat(r.subList(3, 5)).allSatisfy(x -> {
            assertThat(x.after()).isEqualTo(-1);
            assertThat(x.waitMicros()).isGreaterThan(horizon);
        });
        long redisNow = Long.parseLong(redis.admin().time().get(0)) * 1_000_000;
        assertThat(Long.parseLong(redis.admin().hget(key[0], "t"))).isLessThanOrEqualTo(redisNow + horizon + 2 * interval);
        // A throttling delay stops at the horizon too.
        store.delay(key, interval, 0, horizon, 3_600_000_000L).block(WAIT);
        assertThat(Long.parseLong(redis.admin().hget(key[0], "t"))).isLessThanOrEqualTo(redisNow + horizon + 2 * interval);
        // Garbage where the schedule should be is a fault answered at once, and the schedule restarts.
        redis.admin().hset(key[0], "t", "not a number");
        assertThat(store.acquire(key, interval, 0, horizon).block(WAIT).waitMicros()).isGreaterThan(horizon);
        assertThat(store.acquire(key, interval, 0, horizon).block(WAIT).waitMicros()).isLessThanOrEqualTo(interval);
    }

    @Test
    void aFullQueueRefusesTheNextRequestAtOnceWithoutAskingRedis() {
        VirtualTimeScheduler virtual = VirtualTimeScheduler.create();
        RedisLimiter limiter = limiter(builder().permitsPerSecond(1).maxQueued(2)
                .commandTimeout(Duration.ofHours(1)).scheduler(virtual));
        List<Disposable> waiters = new CopyOnWriteArrayList<>();
        // The first is granted at once; two wait, each with its slot reserved (1 s and 2 s on).
        waiters.add(limiter.acquire(ACTION).subscribe());
        awaitTrue(() -> limiter.state(ACTION).granted() == 1);
        waiters.add(limiter.acquire(ACTION).subscribe());
        waiters.add(limiter.acquire(ACTION).subscribe());
        awaitTrue(() -> limiter.bucket(null, ACTION).reserved() == 2 && limiter.state(ACTION).queued() == 2);
        redis.admin().configResetstat();
        StepVerifier.create(limiter.acquire(ACTION))
                .expectErrorSatisfies(e -> assertThat(e)
                        .isInstanceOfSatisfying(dev.dbbrain.reactive.DbbrainCapacityException.class, c -> {
                            assertThat(c.limitName()).isEqualTo("maxQueued");
                            assertThat(c.limit()).isEqualTo(2);
                        }))
                .verify(WAIT);
        assertThat(redis.commandCalls()).as("refused without a script call").doesNotContainKey("evalsha");
        assertThat(limiter.state(ACTION).rejected()).isEqualTo(1);
        assertThat(limiter.state(ACTION).maxQueued()).isEqualTo(2);
        assertThat(limiter.state(ACTION).queued()).isEqualTo(2);
        waiters.forEach(Disposable::dispose);
        virtual.dispose();
    }

    @Test
    void coreWorksWithoutLettuceOnTheClasspath() throws Exception {
        String classpath = java.util.Arrays.stream(System.getProperty("java.class.path")
                .split(java.io.File.pathSeparator))
                // The jars by their names: the checkout's own path may hold "lettuce" too.
                .filter(entry -> !java.nio.file.Path.of(entry).getFileName().toString().contains("lettuce"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        Process process = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", classpath, CoreWithoutLettuce.class.getName()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("ok");
    }

    private List<LogRecord> warnings() {
        return logged.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
    }

    /** Polls a condition from the test thread, for up to 15 s. */
    private static void awaitTrue(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 15 s").isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
