package dev.dbbrain.reactive.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.internal.SharedWatchStore.Kind;
import dev.dbbrain.reactive.internal.SharedWatchStore.Publication;
import dev.dbbrain.reactive.internal.SharedWatchStore.Slot;
import dev.dbbrain.reactive.internal.TimeSource;
import dev.dbbrain.reactive.testing.RedisProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * The shared watches' scripts on a real redis-server: claims, leases, fences, notifications, what is refused, and
 * that every key is versioned and expires. Values are the layout's prefix with a placeholder MAC and answer: the
 * store reads only the prefix (the fleet source checks the rest, {@code SharedStateCodecTest}).
 */
class RedisWatchStoreIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String ACCOUNT = "0af3";
    private static final String INSTANCE = "crs-store001";
    private static RedisProcess redis;

    private RedisWatchStore store;

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void open() {
        redis.admin().flushall();
        store = RedisWatchStore.create(redis.uri(), new RedisWatchStore.Settings("dbbrain:watch",
                Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofMinutes(10)), TimeSource.SYSTEM);
    }

    @AfterEach
    void close() {
        store.close().block(WAIT);
    }

    private long redisMicros() {
        List<String> time = redis.admin().time();
        return Long.parseLong(time.get(0)) * 1_000_000 + Long.parseLong(time.get(1));
    }

    private static String value(long polledAt, long observedAt, String kind) {
        return "DWS1 " + polledAt + " " + observedAt + " " + kind + " " + "0".repeat(64) + " {\"Response\":{}}";
    }

    private List<Slot> claim(String token, long maxAgeMicros, Long... ids) {
        long[] ages = new long[ids.length];
        java.util.Arrays.fill(ages, maxAgeMicros);
        return store.claim(ACCOUNT, INSTANCE, List.of(ids), ages, token).block(WAIT);
    }

    private List<Slot> peek(long maxAgeMicros, Long... ids) {
        long[] ages = new long[ids.length];
        java.util.Arrays.fill(ages, maxAgeMicros);
        return store.peek(ACCOUNT, INSTANCE, List.of(ids), ages).block(WAIT);
    }

    private String stateKey(long id) {
        return store.stateKey(ACCOUNT, INSTANCE, id);
    }

    @Test
    void aFreeSlotIsTakenOnceAndHeldForTheOthersForTheLease() {
        List<Slot> mine = claim("a:1", 1_000_000, 1L, 2L);
        assertThat(mine).extracting(Slot::kind).containsExactly(Kind.MINE, Kind.MINE);
        long now = redisMicros();
        assertThat(mine.get(0).fenceMicros()).isBetween(now - 5_000_000, now);

        List<Slot> other = claim("b:1", 1_000_000, 1L, 2L, 3L);
        assertThat(other).extracting(Slot::kind).containsExactly(Kind.HELD, Kind.HELD, Kind.MINE);
        assertThat(other.get(0).leaseMillis()).isBetween(1L, 3000L);
        assertThat(redis.admin().pttl(store.slotKey(ACCOUNT, INSTANCE, 1))).isBetween(1L, 3000L);
        assertThat(peek(1_000_000, 1L, 4L)).extracting(Slot::kind).containsExactly(Kind.HELD, Kind.STALE);
    }

    @Test
    void publishingWritesTheStatesGivesTheSlotsBackAndTellsTheFleet() {
        List<String> heard = new CopyOnWriteArrayList<>();
        Disposable listening = store.published(ACCOUNT).subscribe(heard::add);
        try {
            awaitSubscribed();
            long fence = claim("a:1", 1_000_000, 1L, 2L).get(0).fenceMicros();
            int written = store.publish(ACCOUNT, INSTANCE, "a:1", List.of(1L, 2L),
                    List.of(new Publication(1, value(fence, fence + 10, "R"), false))).block(WAIT);
            assertThat(written).isEqualTo(1);
            assertThat(redis.admin().get(stateKey(1))).isEqualTo(value(fence, fence + 10, "R"));
            assertThat(redis.admin().exists(store.slotKey(ACCOUNT, INSTANCE, 1), store.slotKey(ACCOUNT, INSTANCE,
                    2))).isZero();
            await(() -> heard.contains(INSTANCE));

            List<Slot> fresh = claim("b:1", 1_000_000, 1L);
            assertThat(fresh.get(0).kind()).isEqualTo(Kind.FRESH);
            assertThat(fresh.get(0).value()).isEqualTo(value(fence, fence + 10, "R"));
            assertThat(fresh.get(0).ageMicros()).isBetween(0L, 1_000_000L);
            // Fresh is judged by each caller's interval: for a shorter one it is already stale.
            assertThat(claim("c:1", 1, 1L).get(0).kind()).isEqualTo(Kind.MINE);
        } finally {
            listening.dispose();
        }
    }

    @Test
    void aTerminalStateIsFreshWhateverItsAgeAndARefusedOneNever() {
        long old = redisMicros() - 3_600_000_000L;
        redis.admin().set(stateKey(1), value(old, old, "T"));
        redis.admin().set(stateKey(2), value(old, old, "R"));
        assertThat(claim("a:1", 1_000_000, 1L, 2L)).extracting(Slot::kind).containsExactly(Kind.FRESH, Kind.MINE);
        assertThat(claim("b:1", -1, 1L)).extracting(Slot::kind).containsExactly(Kind.MINE);
    }

    @Test
    void aLaterPollsStateIsNeverReplacedAndATaskNotReportedNeverReplacesAState() {
        long now = redisMicros();
        redis.admin().set(stateKey(1), value(now, now, "R"));
        claim("a:1", -1, 1L);
        assertThat(store.publish(ACCOUNT, INSTANCE, "a:1", List.of(1L),
                List.of(new Publication(1, value(now - 1000, now, "R"), false))).block(WAIT)).isZero();
        assertThat(store.publish(ACCOUNT, INSTANCE, "a:1", List.of(1L),
                List.of(new Publication(1, value(now + 1, now + 2, "N"), true))).block(WAIT)).isZero();
        assertThat(redis.admin().get(stateKey(1))).isEqualTo(value(now, now, "R"));
        assertThat(store.publish(ACCOUNT, INSTANCE, "a:1", List.of(1L),
                List.of(new Publication(1, value(now + 1, now + 2, "R"), false))).block(WAIT)).isEqualTo(1);
        // A value claiming to be observed ahead of Redis's clock is not written.
        assertThat(store.publish(ACCOUNT, INSTANCE, "a:1", List.of(1L),
                List.of(new Publication(1, value(now + 3, now + 60_000_000, "R"), false))).block(WAIT)).isZero();
    }

    @Test
    void valuesWrittenBySomethingElseAreForeignNeverFreshAndOverwritten() {
        long future = redisMicros() + 3_600_000_000L;
        redis.admin().set(stateKey(1), "hello");
        redis.admin().set(stateKey(2), value(future, future, "T"));
        redis.admin().hset(stateKey(3), "status", "finished");
        redis.admin().set(stateKey(4), "DWS1 1 2 R " + "x".repeat(300_000));
        List<Slot> slots = claim("a:1", 60_000_000, 1L, 2L, 3L, 4L);
        assertThat(slots).allSatisfy(s -> {
            assertThat(s.kind()).isEqualTo(Kind.MINE);
            assertThat(s.foreign()).isTrue();
        });
        long now = redisMicros();
        assertThat(store.publish(ACCOUNT, INSTANCE, "a:1", List.of(1L, 2L, 3L, 4L), List.of(
                new Publication(1, value(now, now, "R"), false), new Publication(2, value(now, now, "R"), false),
                new Publication(3, value(now, now, "R"), false), new Publication(4, value(now, now, "N"), true)))
                .block(WAIT)).isEqualTo(4);
        assertThat(claim("b:1", 60_000_000, 1L, 2L, 3L, 4L)).allSatisfy(s -> {
            assertThat(s.kind()).isEqualTo(Kind.FRESH);
            assertThat(s.foreign()).isFalse();
        });
    }

    @Test
    void aSlotWithoutExpiryOrWithALongerOneIsBrokenAndTaken() {
        redis.admin().set(store.slotKey(ACCOUNT, INSTANCE, 1), "someone");
        redis.admin().psetex(store.slotKey(ACCOUNT, INSTANCE, 2), 3_600_000, "someone");
        redis.admin().hset(store.slotKey(ACCOUNT, INSTANCE, 3), "x", "y");
        assertThat(peek(0, 1L, 2L, 3L)).extracting(Slot::kind).containsOnly(Kind.STALE);
        List<Slot> slots = claim("a:1", 0, 1L, 2L, 3L);
        assertThat(slots).allSatisfy(s -> {
            assertThat(s.kind()).isEqualTo(Kind.MINE);
            assertThat(s.brokenLock()).isTrue();
        });
        assertThat(redis.admin().pttl(store.slotKey(ACCOUNT, INSTANCE, 1))).isBetween(1L, 3000L);
    }

    @Test
    void onlyTheHoldersTokenRenewsOrGivesBackItsSlots() throws Exception {
        claim("a:1", 0, 1L, 2L);
        TimeUnit.MILLISECONDS.sleep(1200);
        assertThat(store.renew(ACCOUNT, INSTANCE, "b:1", List.of(1L, 2L)).block(WAIT)).isZero();
        assertThat(redis.admin().pttl(store.slotKey(ACCOUNT, INSTANCE, 1))).isLessThan(2000);
        assertThat(store.renew(ACCOUNT, INSTANCE, "a:1", List.of(1L, 2L, 3L)).block(WAIT)).isEqualTo(2);
        assertThat(redis.admin().pttl(store.slotKey(ACCOUNT, INSTANCE, 1))).isGreaterThan(2000);
        store.release(ACCOUNT, INSTANCE, "b:1", List.of(1L)).block(WAIT);
        assertThat(redis.admin().exists(store.slotKey(ACCOUNT, INSTANCE, 1))).isEqualTo(1);
        store.release(ACCOUNT, INSTANCE, "a:1", List.of(1L)).block(WAIT);
        assertThat(redis.admin().exists(store.slotKey(ACCOUNT, INSTANCE, 1))).isZero();
    }

    @Test
    void everyKeyIsVersionedNamesTheAccountsHashAndExpires() {
        long fence = claim("a:1", 0, 1L).get(0).fenceMicros();
        store.publish(ACCOUNT, INSTANCE, "a:1", List.of(1L), List.of(new Publication(1, value(fence, fence, "R"),
                false))).block(WAIT);
        claim("a:2", -1, 2L);
        assertThat(redis.keys()).containsExactlyInAnyOrder("dbbrain:watch:v1:{0af3}:state:crs-store001:1",
                "dbbrain:watch:v1:{0af3}:slot:crs-store001:2");
        for (String key : redis.keys()) {
            assertThat(redis.admin().pttl(key)).as(key).isPositive();
        }
        assertThat(redis.admin().pttl(stateKey(1))).isBetween(590_000L, 600_000L);
    }

    @Test
    void theNotificationsEndWhenTheirConnectionIsCutSoThatTheNextSubscriberSubscribesAgain() {
        List<String> heard = new CopyOnWriteArrayList<>();
        boolean[] ended = new boolean[1];
        store.published(ACCOUNT).subscribe(heard::add, e -> ended[0] = true, () -> ended[0] = true);
        awaitSubscribed();
        redis.admin().clientKill(io.lettuce.core.KillArgs.Builder.typePubsub());
        await(() -> ended[0]);

        List<String> again = new CopyOnWriteArrayList<>();
        Disposable listening = store.published(ACCOUNT).subscribe(again::add);
        try {
            awaitSubscribed();
            long fence = claim("a:1", 0, 1L).get(0).fenceMicros();
            store.publish(ACCOUNT, INSTANCE, "a:1", List.of(1L), List.of(new Publication(1,
                    value(fence, fence, "R"), false))).block(WAIT);
            await(() -> again.contains(INSTANCE));
        } finally {
            listening.dispose();
        }
    }

    private void awaitSubscribed() {
        await(() -> redis.admin().pubsubNumsub(store.channel(ACCOUNT)).getOrDefault(store.channel(ACCOUNT), 0L) > 0);
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited too long").isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
