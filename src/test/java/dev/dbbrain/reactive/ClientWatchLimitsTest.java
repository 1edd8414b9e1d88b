package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Hooks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.subscriber.TestSubscriber;

/**
 * The watch limits as a user of {@link DbbrainClient} sees them, without HTTP: the watches here request nothing, so
 * the client never contacts its endpoint (a loopback port nobody listens on).
 */
class ClientWatchLimitsTest {

    private static final String INSTANCE = "crs-limit001";

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final WatchEngineTest.CountingListener listener = new WatchEngineTest.CountingListener();
    private final AtomicInteger started = listener.started;
    private final AtomicInteger ended = listener.ended;
    private final AtomicInteger rejected = listener.rejected;
    private final List<DbbrainClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(DbbrainClient::close);
        time.dispose();
    }

    private DbbrainClient client(Integer maxWatches) {
        DbbrainClient.Builder builder = DbbrainClient.builder().endpoint("http://127.0.0.1:9")
                .credentials(Credentials.of("AKIDlimits", "limits-key")).rateLimiter(RateLimiter.unlimited())
                .scheduler(time).maxRetries(0).eventListener(listener);
        if (maxWatches != null) {
            builder.maxWatches(maxWatches);
        }
        DbbrainClient client = builder.build();
        clients.add(client);
        return client;
    }

    private static TestSubscriber<TaskInfo> idle() {
        return TestSubscriber.<TaskInfo>builder().initialRequest(0).build();
    }

    @Test
    void aKillBeyondMaxWatchesFailsBeforeItsCreateIsSentSoNoTaskIsLeftUnwatched() {
        DbbrainClient client = client(1);
        TestSubscriber<TaskInfo> watching = idle();
        client.watch(INSTANCE, 1).subscribe(watching);

        StepVerifier.create(client.killProxySessions(INSTANCE))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(DbbrainCapacityException.class,
                        c -> assertThat(c.limitName()).isEqualTo("maxWatches")))
                .verify(Duration.ofSeconds(5));
        // Nothing was sent: the endpoint nobody listens on would have failed the Create with a transport error.
        assertThat(client.stats()).extracting(ClientStats::requests, ClientStats::watchSubscribers)
                .containsExactly(0L, 1);
        assertThat(rejected.get()).isEqualTo(1);

        // The place a kill took for its watch goes back when its Create fails.
        watching.cancel();
        StepVerifier.create(client.killProxySessions(INSTANCE))
                .expectError(DbbrainTransportException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(client.stats()).extracting(ClientStats::requests, ClientStats::watchSubscribers)
                .containsExactly(1L, 0);
        assertThat(started.get()).isEqualTo(ended.get());
    }

    @Test
    void aWatchBeyondMaxWatchesFailsFastWithACapacityErrorAndNothingRunsOrIsSentForIt() {
        DbbrainClient client = client(2);
        TestSubscriber<TaskInfo> first = idle();
        TestSubscriber<TaskInfo> second = idle();
        client.watch(INSTANCE, 1).subscribe(first);
        client.watch(INSTANCE, 2).subscribe(second);
        assertThat(client.stats()).extracting(ClientStats::watchSubscribers, ClientStats::maxWatches,
                ClientStats::watchedTasks).containsExactly(2, 2, 2);

        StepVerifier.create(client.watch(INSTANCE, 3))
                .expectSubscription()
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(DbbrainCapacityException.class, c -> {
                    assertThat(c.limitName()).isEqualTo("maxWatches");
                    assertThat(c.limit()).isEqualTo(2);
                    assertThat(c.category()).isEqualTo(ErrorCategory.REJECTED);
                    assertThat(c.isRetryable()).isFalse();
                    assertThat(c).hasMessageContaining("task 3 on " + INSTANCE);
                }))
                .verify(Duration.ofSeconds(5));
        assertThat(client.stats()).extracting(ClientStats::watchSubscribers, ClientStats::watchedTasks,
                ClientStats::requests).containsExactly(2, 2, 0L);
        assertThat(rejected.get()).isEqualTo(1);
        assertThat(started.get()).isEqualTo(2);

        // awaitCompletion is a watch too, and counts the same.
        StepVerifier.create(client.awaitCompletion(INSTANCE, 4)).expectError(DbbrainCapacityException.class)
                .verify(Duration.ofSeconds(5));
        first.cancel();
        TestSubscriber<TaskInfo> third = idle();
        client.watch(INSTANCE, 3).subscribe(third);
        assertThat(third.isTerminated()).isFalse();
        assertThat(client.stats().watchSubscribers()).isEqualTo(2);
        second.cancel();
        third.cancel();
        assertThat(client.stats()).extracting(ClientStats::watchSubscribers, ClientStats::watchedTasks,
                ClientStats::requests).containsExactly(0, 0, 0L);
        assertThat(started.get()).isEqualTo(ended.get());
    }

    @Test
    void theDefaultCapIsTenThousandAndAnInvalidOneIsRefusedNamingTheSetting() {
        assertThat(client(null).stats().maxWatches()).isEqualTo(DbbrainClient.DEFAULT_MAX_WATCHES).isEqualTo(10_000);
        assertThatIllegalArgumentException().isThrownBy(() -> DbbrainClient.builder().maxWatches(0))
                .withMessageContaining("maxWatches");
    }

    @Test
    void closingTheClientEndsItsWatchesAndGivesEveryPlaceBack() {
        DbbrainClient client = client(2);
        TestSubscriber<TaskInfo> first = idle();
        client.watch(INSTANCE, 1).subscribe(first);
        client.close();
        assertThat(first.expectTerminalError()).isInstanceOf(DbbrainWatchException.class);
        assertThat(client.stats().watchSubscribers()).isZero();
        StepVerifier.create(client.watch(INSTANCE, 1)).expectError(IllegalStateException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(rejected.get()).isZero();
        assertThat(started.get()).isEqualTo(ended.get()).isEqualTo(1);
    }

    @Test
    void aSubscriberWhoseOnSubscribeThrowsLeavesNoWatchedTaskAndBalancedListenerCalls() {
        List<Throwable> dropped = new ArrayList<>();
        Hooks.onErrorDropped(dropped::add);
        try {
            DbbrainClient client = client(null);
            IllegalStateException boom = new IllegalStateException("subscriber broke");
            client.watch(INSTANCE, 1).subscribe(new CoreSubscriber<TaskInfo>() {
                @Override
                public void onSubscribe(Subscription s) {
                    s.request(1);
                    throw boom;
                }

                @Override
                public void onNext(TaskInfo t) {
                    throw new AssertionError("onNext after a throwing onSubscribe");
                }

                @Override
                public void onError(Throwable t) {
                    throw new AssertionError("onError after a throwing onSubscribe", t);
                }

                @Override
                public void onComplete() {
                    throw new AssertionError("onComplete after a throwing onSubscribe");
                }
            });
            assertThat(dropped).containsExactly(boom);
            time.advanceTimeBy(Duration.ofMinutes(1));
            assertThat(client.stats()).extracting(ClientStats::watchedInstances, ClientStats::watchedTasks,
                    ClientStats::pollsInFlight, ClientStats::timers, ClientStats::watchSubscribers,
                    ClientStats::requests).containsExactly(0, 0, 0, 0, 0, 0L);
            assertThat(started.get()).isEqualTo(1);
            assertThat(ended.get()).isEqualTo(1);
        } finally {
            Hooks.resetOnErrorDropped();
        }
    }
}
