package dev.dbbrain.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.testing.RedisProcess;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Flux;

/**
 * {@code dbbrain.rate-limit.redis.uri} puts the auto-configured client's budget in Redis, and shares its watches with
 * the other replicas through it unless {@code dbbrain.watch.shared=false}.
 */
class DbbrainSpringRedisIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ID = "AKIDspringRedis";
    private static final String KEY = "spring-redis-secret-key";

    private static RedisProcess redis;
    private DbbrainEmulator emulator;
    private ApplicationContextRunner runner;

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void setUp() {
        redis.admin().flushall();
        redis.admin().configResetstat();
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).stepDuration(Duration.ofMillis(100)).start();
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DbbrainAutoConfiguration.class))
                .withPropertyValues("dbbrain.endpoint=" + emulator.endpoint(), "dbbrain.credentials.secret-id=" + ID,
                        "dbbrain.credentials.secret-key=" + KEY, "dbbrain.watch.poll-interval=50ms",
                        "dbbrain.metrics.enabled=false");
    }

    @AfterEach
    void tearDown() {
        emulator.stop();
    }

    @Test
    void redisUriPropertyMakesEveryRequestReserveItsSlotInRedis() {
        runner.withPropertyValues("dbbrain.rate-limit.redis.uri=" + redis.uri(),
                "dbbrain.rate-limit.redis.key-prefix=spring:fleet", "dbbrain.rate-limit.redis.fallback-replicas=2")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    List<TaskInfo> states = new CopyOnWriteArrayList<>();
                    Set<String> keys = keysSeenWhile(context.getBean(DbbrainClient.class)
                            .killProxySessions("crs-redis001").doOnNext(states::add));
                    assertThat(states).last().extracting(TaskInfo::taskStatus).isEqualTo(TaskStatus.FINISHED);

                    long requests = emulator.stats().requests().values().stream().mapToLong(Long::longValue).sum();
                    long scripts = redis.commandCalls().getOrDefault("evalsha", 0L)
                            + redis.commandCalls().getOrDefault("eval", 0L);
                    // At least one reservation per request (a cold connection's late first write takes a fresh slot).
                    assertThat(requests).isPositive();
                    assertThat(scripts).as("reservations in Redis").isGreaterThanOrEqualTo(requests);
                    assertThat(limiterKeys(keys)).isNotEmpty().allSatisfy(k -> assertThat(k)
                            .startsWith("spring:fleet:").doesNotContain(ID));
                    // By default the unversioned key of older builds is kept beside the versioned one.
                    assertThat(limiterKeys(keys)).anySatisfy(k -> assertThat(k).startsWith("spring:fleet:v1:{"))
                            .anySatisfy(k -> assertThat(k).startsWith("spring:fleet:{"));
                });
    }

    @Test
    void previousLayoutPropertyOffKeepsOnlyTheVersionedKeys() {
        runner.withPropertyValues("dbbrain.rate-limit.redis.uri=" + redis.uri(),
                "dbbrain.rate-limit.redis.previous-layout=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(limiterKeys(keysSeenWhile(context.getBean(DbbrainClient.class)
                            .killProxySessions("crs-redis002"))))
                            .isNotEmpty().allSatisfy(k -> assertThat(k).startsWith("dbbrain:rate:v1:{"));
                });
    }

    /** The limiter's keys among {@code keys}: the watches' sharing has keys of its own ({@code dbbrain:watch:}). */
    private static List<String> limiterKeys(Set<String> keys) {
        return keys.stream().filter(k -> !k.startsWith("dbbrain:watch:")).toList();
    }

    @Test
    void redisUriPropertySharesWatchesBetweenReplicasUnlessWatchSharedIsFalse() {
        ApplicationContextRunner fleet = runner.withPropertyValues("dbbrain.rate-limit.redis.uri=" + redis.uri());
        fleet.run(first -> {
            assertThat(first).hasNotFailed();
            TaskInfo end = first.getBean(DbbrainClient.class).killProxySessions("crs-redis003").blockLast(WAIT);
            assertThat(end.taskStatus()).isEqualTo(TaskStatus.FINISHED);
            assertThat(redis.keys()).anySatisfy(k -> assertThat(k).startsWith("dbbrain:watch:v1:{")
                    .contains(":state:crs-redis003:").doesNotContain(ID));

            // Another replica following the same task gets its final state from the fleet, without a request.
            fleet.run(second -> {
                DbbrainClient client = second.getBean(DbbrainClient.class);
                assertThat(client.watch("crs-redis003", end.asyncRequestId()).blockLast(WAIT)).isEqualTo(end);
                assertThat(client.stats().requests()).isZero();
                assertThat(client.stats().sharedStatesReceived()).isEqualTo(1);
            });
            // With dbbrain.watch.shared=false it polls on its own, and still shares the budget.
            fleet.withPropertyValues("dbbrain.watch.shared=false").run(alone -> {
                DbbrainClient client = alone.getBean(DbbrainClient.class);
                assertThat(client.watch("crs-redis003", end.asyncRequestId()).blockLast(WAIT)).isEqualTo(end);
                assertThat(client.stats().requests()).isEqualTo(1);
                assertThat(client.stats().sharedStatesReceived()).isZero();
            });
        });
    }

    /**
     * Every key seen in Redis while {@code work} ran: a key expires within a permit's time of its last use, so a look
     * after the end may find none left.
     */
    private static Set<String> keysSeenWhile(Flux<?> work) throws Exception {
        Set<String> seen = new TreeSet<>();
        CompletableFuture<Void> done = work.then().toFuture();
        while (!done.isDone()) {
            seen.addAll(redis.keys());
            Thread.sleep(5);
        }
        done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        seen.addAll(redis.keys());
        return seen;
    }

    @Test
    void badRedisSettingsStopStartupNamingTheProperty() {
        runner.withPropertyValues("dbbrain.rate-limit.redis.uri=" + redis.uri(),
                "dbbrain.rate-limit.redis.fallback-replicas=0", "dbbrain.rate-limit.redis.command-timeout=-1s")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause().message()
                        .contains("dbbrain.rate-limit.redis.fallback-replicas")
                        .contains("dbbrain.rate-limit.redis.command-timeout"));
        runner.withPropertyValues("dbbrain.rate-limit.redis.uri=notredis://:hunter2@127.0.0.1:1")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause().message()
                        .contains("dbbrain.rate-limit.redis").doesNotContain("hunter2"));
    }
}
