package dev.dbbrain.reactive.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.internal.SharedFormat;
import dev.dbbrain.reactive.internal.TimeSource;
import dev.dbbrain.reactive.testing.BoundedClose;
import dev.dbbrain.reactive.testing.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A rolling deploy from the unversioned layout to layout v1 on one real redis-server: replicas running the previous
 * build's script (kept verbatim as a test resource) and replicas running this build's, at once, on one account's
 * bucket, acquiring, handing slots back and pushing the schedule on concurrently.
 *
 * <p>The evidence is Redis's own: every granted slot is a timestamp of Redis's clock, answered by the script that
 * reserved it, so the checks hold on a loaded machine whatever the JVM's timing (a slow acquirer only grants less).
 * The limit is the token bucket's: sorted, the {@code k}-th grant after the {@code j}-th comes no earlier than
 * {@code (k - j) * interval - tolerance} after it, which bounds any one second to {@code burst + rate} grants.
 */
class RedisLayoutTransitionIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ACTION = "DescribeProxySessionKillTasks";
    private static final String PREFIX = "dbbrain:rate";
    private static final String SECRET_ID = "AKIDlayoutTransition01";
    /** The previous build's script, byte for byte: the SHA-1 its limiter loaded it under. */
    private static final String UNVERSIONED_SCRIPT = "rate-bucket-unversioned.lua";
    private static final String UNVERSIONED_DIGEST = "7e229f0e837c44d6e0e16c40640c1200947a11be";
    /** The previous build's key, spelt out here rather than derived, as that build spelt it. */
    private static final String UNVERSIONED_KEY = PREFIX + ":{" + SharedFormat.account(SECRET_ID) + "}:" + ACTION;
    private static final long SECOND = 1_000_000;
    /** Concurrent acquirers of each replica, and the acquires each makes: over a second of each build alone. */
    private static final int ACQUIRERS = 4;
    private static final int ACQUIRES = 40;
    /** The rate of the concurrent runs; far above the service's 20 so that a run takes seconds, not minutes. */
    private static final double RATE = 100;

    private static RedisProcess redis;
    private static RedisClient client;
    private static String unversionedScript;
    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        redis = RedisProcess.start();
        client = RedisClient.create(redis.uri());
        try (InputStream in = RedisLayoutTransitionIT.class.getResourceAsStream(UNVERSIONED_SCRIPT)) {
            unversionedScript = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        // Lettuce's close can spin for ever (LettuceClose): bounded, so that it fails this class, not the suite.
        BoundedClose.closeAll(WAIT, List.of(BoundedClose.named("the test's Lettuce client", client::shutdown),
                BoundedClose.named("redis-server", redis::close)));
    }

    @BeforeEach
    void clean() {
        redis.admin().flushall();
        redis.admin().scriptFlush();
    }

    @AfterEach
    void close() throws Exception {
        BoundedClose.closeAll(WAIT, resources);
    }

    @Test
    void thePreviousBuildsScriptIsKeptVerbatimAndItsKeyIsThePreviousLayoutsKeyInTheSameClusterSlot() throws Exception {
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest(unversionedScript.getBytes(StandardCharsets.UTF_8)))).isEqualTo(UNVERSIONED_DIGEST);
        assertThat(RedisBucketStore.DIGEST).as("this build's script is another").isNotEqualTo(UNVERSIONED_DIGEST);
        String[] keys = current(true).keys;
        assertThat(keys).containsExactly(PREFIX + ":v1:{" + SharedFormat.account(SECRET_ID) + "}:" + ACTION,
                UNVERSIONED_KEY);
        assertThat(SlotHash.getSlot(keys[0])).isEqualTo(SlotHash.getSlot(keys[1]));
        assertThat(current(false).keys).containsExactly(keys[0]);
    }

    @Test
    void previousAndCurrentBuildsOnOneRedisNeverGrantMoreThanTheLimitTogether() {
        Limit limit = new Limit(RATE, 1, 10 * SECOND);
        Evidence evidence = run(limit, unversioned(limit), current(true, limit));
        evidence.print("unversioned + v1 honouring it, burst 1");
        evidence.assertWithin(limit);
    }

    @Test
    void withABurstThePreviousAndCurrentBuildsStillShareOneBucket() {
        Limit limit = new Limit(RATE, 4, 10 * SECOND);
        Evidence evidence = run(limit, unversioned(limit), current(true, limit));
        evidence.print("unversioned + v1 honouring it, burst 4");
        evidence.assertWithin(limit);
    }

    @Test
    void afterTheSwitchReplicasWithAndWithoutThePreviousLayoutStillShareOneBucket() {
        Limit limit = new Limit(RATE, 1, 10 * SECOND);
        Evidence evidence = run(limit, current(true, limit), current(false, limit));
        evidence.print("v1 honouring the unversioned key + v1 alone");
        evidence.assertWithin(limit);
    }

    /** Why the transition exists, and proof that the check can fail: without it each build spends the budget. */
    @Test
    void withoutThePreviousLayoutTheTwoBuildsWouldEachSpendTheWholeBudget() {
        Limit limit = new Limit(RATE, 1, 10 * SECOND);
        Evidence evidence = run(limit, unversioned(limit), current(false, limit));
        evidence.print("unversioned + v1 alone (the unsafe mix)");
        assertThat(evidence.violations).as("grants closer than the limit allows").isPositive();
        assertThat(evidence.maxInAnySecond).isGreaterThan((int) limit.perSecond() + limit.burst());
    }

    @Test
    void eachBuildReadsTheOthersWritesInTheUnversionedKeyAsItsOwnLayout() {
        // 10 s apart, and an hour's horizon: no slot falls due while the test looks at it.
        Limit limit = new Limit(0.1, 1, 3_600 * SECOND);
        Replica old = unversioned(limit);
        Replica current = current(true, limit);

        // This build's reservations and a slot it handed back, written to the unversioned key in that layout: the
        // previous build takes that very slot, then continues the schedule after this build's last reservation.
        RedisBucketStore.Reservation n1 = current.acquire().block(WAIT);
        RedisBucketStore.Reservation n2 = current.acquire().block(WAIT);
        RedisBucketStore.Reservation n3 = current.acquire().block(WAIT);
        current.refund(n2).block(WAIT);
        assertThat(redis.admin().hget(UNVERSIONED_KEY, "f")).isEqualTo(Long.toString(n2.slot()));
        RedisBucketStore.Reservation o1 = old.acquire().block(WAIT);
        RedisBucketStore.Reservation o2 = old.acquire().block(WAIT);
        assertThat(o1.slot()).isEqualTo(n2.slot());
        assertThat(o2.slot()).isEqualTo(n3.slot() + limit.intervalMicros());
        assertThat(o2.waitMicros()).as("not read as corrupt").isLessThanOrEqualTo(limit.horizonMicros());

        // The other way round: the previous build's reservations and returned slot, read by this build.
        old.refund(o1).block(WAIT);
        RedisBucketStore.Reservation n4 = current.acquire().block(WAIT);
        RedisBucketStore.Reservation n5 = current.acquire().block(WAIT);
        assertThat(n4.slot()).isEqualTo(o1.slot());
        assertThat(n5.slot()).isEqualTo(o2.slot() + limit.intervalMicros());
        assertThat(n1.slot()).isLessThan(n5.slot());

        // The previous build's step back (a refund of the latest slot) is seen too: the next slot is that one again.
        RedisBucketStore.Reservation o3 = old.acquire().block(WAIT);
        old.refund(o3).block(WAIT);
        assertThat(current.acquire().block(WAIT).slot()).isEqualTo(o3.slot());

        // Both keys hold one schedule in one layout: the unversioned key as the previous build writes it.
        assertThat(redis.admin().hget(current.keys[0], "t")).isEqualTo(redis.admin().hget(UNVERSIONED_KEY, "t"));
        assertThat(redis.admin().hkeys(current.keys[0])).containsExactly("t");
    }

    @Test
    void layoutV1ReadByThePreviousBuildsScriptIsNoCorruptBucketForIt() {
        // Version 1 changed the key's name, not its fields: even read under its own name by the previous build's
        // script (as a replica configured with the new prefix would), its schedule continues instead of restarting.
        Limit limit = new Limit(0.1, 1, 3_600 * SECOND);
        Replica current = current(false, limit);
        Replica oldOnV1Key = new Replica("unversioned script on the v1 key", current.keys, unversionedCall());
        RedisBucketStore.Reservation n1 = current.acquire().block(WAIT);
        RedisBucketStore.Reservation o1 = oldOnV1Key.acquire(limit).block(WAIT);
        assertThat(o1.slot()).isEqualTo(n1.slot() + limit.intervalMicros());
        assertThat(current.acquire().block(WAIT).slot()).isEqualTo(o1.slot() + limit.intervalMicros());
    }

    // --- the replicas ----------------------------------------------------------------------------------------------

    /**
     * The limit of a run: the rate, the burst and the longest wait a slot may be reserved for, as the limiter turns
     * them into the script's arguments.
     */
    record Limit(double perSecond, int burst, long horizonMicros) {
        long intervalMicros() {
            return (long) Math.ceil(1e6 / perSecond);
        }

        long toleranceMicros() {
            return (burst - 1) * intervalMicros();
        }
    }

    /** One script call: the keys, then the arguments. */
    interface ScriptCall {
        Mono<RedisBucketStore.Reservation> call(String[] keys, String... args);
    }

    /** A replica's way to the bucket: its script, its keys, its connection. */
    private static final class Replica {
        private final String name;
        private final String[] keys;
        private final ScriptCall script;
        private Limit limit;

        Replica(String name, String[] keys, ScriptCall script) {
            this.name = name;
            this.keys = keys;
            this.script = script;
        }

        Replica limit(Limit value) {
            this.limit = value;
            return this;
        }

        Mono<RedisBucketStore.Reservation> acquire() {
            return acquire(limit);
        }

        Mono<RedisBucketStore.Reservation> acquire(Limit l) {
            return script.call(keys, "a", Long.toString(l.intervalMicros()), Long.toString(l.toleranceMicros()),
                    Long.toString(l.horizonMicros()));
        }

        Mono<RedisBucketStore.Reservation> refund(RedisBucketStore.Reservation r) {
            return script.call(keys, "r", Long.toString(limit.intervalMicros()),
                    Long.toString(limit.toleranceMicros()), Long.toString(limit.horizonMicros()), Long.toString(r.slot()),
                    Long.toString(r.after()));
        }

        Mono<RedisBucketStore.Reservation> delay(long micros) {
            return script.call(keys, "p", Long.toString(limit.intervalMicros()),
                    Long.toString(limit.toleranceMicros()), Long.toString(limit.horizonMicros()), Long.toString(micros));
        }
    }

    /** A replica of the build before versioned keys: its script, verbatim, on its key. */
    private Replica unversioned(Limit limit) {
        return new Replica("unversioned", new String[] {UNVERSIONED_KEY}, unversionedCall()).limit(limit);
    }

    private ScriptCall unversionedCall() {
        StatefulRedisConnection<String, String> connection = client.connect();
        resources.add(BoundedClose.named("a connection of the previous build's replica", connection::close));
        String digest = connection.sync().scriptLoad(unversionedScript);
        assertThat(digest).isEqualTo(UNVERSIONED_DIGEST);
        return (keys, args) -> Mono.fromCompletionStage(() -> connection.async()
                        .<List<Object>>evalsha(digest, ScriptOutputType.MULTI, keys, args))
                .map(RedisBucketStore::reservation);
    }

    private Replica current(boolean previousLayout) {
        return current(previousLayout, null);
    }

    /** A replica of this build: the keys its limiter derives, its store (and connection) of its own. */
    private Replica current(boolean previousLayout, Limit limit) {
        RedisLimiter limiter = (RedisLimiter) RedisRateLimiter.builder(redis.uri()).previousLayout(previousLayout)
                .build();
        resources.add(BoundedClose.named("a limiter of this build", () -> limiter.close().block(WAIT)));
        RedisBucketStore store = RedisBucketStore.create(redis.uri(), Duration.ofSeconds(10), TimeSource.SYSTEM);
        resources.add(BoundedClose.named("a store of this build", () -> store.close().block(WAIT)));
        ScriptCall call = (keys, args) -> switch (args[0]) {
            case "a" -> store.acquire(keys, Long.parseLong(args[1]), Long.parseLong(args[2]),
                    Long.parseLong(args[3]));
            case "r" -> store.refund(keys, Long.parseLong(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]),
                    new RedisBucketStore.Reservation(0, Long.parseLong(args[4]), Long.parseLong(args[5])));
            default -> store.delay(keys, Long.parseLong(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]),
                    Long.parseLong(args[4]));
        };
        return new Replica(previousLayout ? "v1+previous" : "v1", limiter.bucket(SECRET_ID, ACTION).keys(), call)
                .limit(limit);
    }

    // --- a run and its evidence ------------------------------------------------------------------------------------

    /** A slot granted and kept (not handed back), and who reserved it. */
    record Grant(long slot, String replica) {
    }

    /**
     * Both replicas at once, {@value #ACQUIRERS} acquirers each: every acquirer reserves a slot, hands one in five
     * back at once (a cancelled waiter), waits for one in four of the others' time as a limiter's waiter would, and
     * once pushes the schedule on (the service throttled). Returns the slots kept.
     */
    private Evidence run(Limit limit, Replica a, Replica b) {
        Queue<Grant> kept = new ConcurrentLinkedQueue<>();
        Queue<RedisBucketStore.Reservation> refused = new ConcurrentLinkedQueue<>();
        SplittableRandom seeds = new SplittableRandom(22);
        List<Mono<Void>> acquirers = new ArrayList<>();
        for (Replica replica : List.of(a, b)) {
            for (int i = 0; i < ACQUIRERS; i++) {
                acquirers.add(acquirer(replica, seeds.split(), kept, refused));
            }
        }
        Flux.merge(acquirers).blockLast(WAIT);
        assertThat(refused).as("answers beyond the horizon: a bucket read as corrupt, or a fleet past it")
                .isEmpty();
        return Evidence.of(limit, new ArrayList<>(kept));
    }

    private static Mono<Void> acquirer(Replica replica, SplittableRandom random, Queue<Grant> kept,
            Queue<RedisBucketStore.Reservation> refused) {
        int throttledAt = random.nextInt(ACQUIRES);
        return Flux.range(0, ACQUIRES).concatMap(i -> {
            Mono<Void> push = i == throttledAt ? replica.delay(20_000).then() : Mono.empty();
            return push.then(replica.acquire()).flatMap(r -> {
                if (r.waitMicros() > replica.limit.horizonMicros()) {
                    refused.add(r);
                    return Mono.empty();
                }
                if (random.nextInt(5) == 0) {
                    return replica.refund(r).then();
                }
                kept.add(new Grant(r.slot(), replica.name));
                // Mostly on at once, so the bucket is always in demand and the schedule runs ahead of now: a
                // grant too many would show. Now and then the acquirer waits for its slot, as a waiter does.
                return random.nextInt(4) == 0 ? Mono.delay(Duration.ofNanos(r.waitMicros() * 1_000)).then()
                        : Mono.empty();
            });
        }).then();
    }

    /** What the grants show, from their Redis timestamps alone. */
    record Evidence(List<Grant> grants, int maxInAnySecond, long minGapMicros, long violations, long switches,
            long spanMicros) {

        static Evidence of(Limit limit, List<Grant> grants) {
            List<Grant> sorted = new ArrayList<>(grants);
            sorted.sort(java.util.Comparator.comparingLong(Grant::slot));
            int n = sorted.size();
            long[] slots = sorted.stream().mapToLong(Grant::slot).toArray();
            int max = 0;
            long minGap = Long.MAX_VALUE;
            long violations = 0;
            long switches = 0;
            for (int j = 0, end = 0; j < n; j++) {
                while (end < n && slots[end] < slots[j] + SECOND) {
                    end++;
                }
                max = Math.max(max, end - j);
                if (j > 0) {
                    minGap = Math.min(minGap, slots[j] - slots[j - 1]);
                    if (!sorted.get(j).replica().equals(sorted.get(j - 1).replica())) {
                        switches++;
                    }
                }
                for (int k = j + 1; k < n; k++) {
                    if (slots[k] - slots[j] < (k - j) * limit.intervalMicros() - limit.toleranceMicros()) {
                        violations++;
                    }
                }
            }
            return new Evidence(sorted, max, minGap, violations, switches, n == 0 ? 0 : slots[n - 1] - slots[0]);
        }

        long count(String replica) {
            return grants.stream().filter(g -> g.replica().equals(replica)).count();
        }

        void print(String mix) {
            System.out.printf(Locale.ROOT, "Redis layout transition (%s): %d grants over %.2f s of Redis time "
                    + "(%s), at most %d in any sliding second, closest two %d us apart, %d pairs closer than the "
                    + "limit allows, %d hand-overs between the builds%n", mix, grants.size(), spanMicros / 1e6,
                    grants.stream().map(Grant::replica).distinct().map(r -> r + " " + count(r)).toList(),
                    maxInAnySecond, minGapMicros, violations, switches);
        }

        void assertWithin(Limit limit) {
            List<String> replicas = grants.stream().map(Grant::replica).distinct().toList();
            assertThat(replicas).as("both builds granted").hasSize(2);
            // An overlap, not two runs one after the other: the builds' grants interleave all along.
            for (String replica : replicas) {
                assertThat(count(replica)).as(replica).isGreaterThanOrEqualTo(grants.size() / 10);
            }
            assertThat(switches).as("hand-overs between the builds").isGreaterThanOrEqualTo(20);
            assertThat(violations).as("pairs of grants closer than the limit allows").isZero();
            assertThat(maxInAnySecond).as("grants in any sliding second of Redis time")
                    .isLessThanOrEqualTo((int) limit.perSecond() + limit.burst() - 1);
        }
    }
}
