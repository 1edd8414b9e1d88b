package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainEventListener.Attempt;
import dev.dbbrain.reactive.DbbrainEventListener.Call;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorAnswer;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.subscriber.TestSubscriber;

/**
 * What a listener is told about which call an attempt belongs to, and which watch an event is about, against the
 * emulator; and that a listener written against the older methods hears every event as before.
 */
class EventListenerIdentityIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ID = "AKIDidentityIT";
    private static final String KEY = "identity-it-secret-key";
    private static final String INSTANCE = "crs-ident001";
    private static final String CREATE = "CreateProxySessionKillTask";
    private static final String DESCRIBE = "DescribeProxySessionKillTasks";
    private static final WatchOptions FAST = WatchOptions.defaults().pollInterval(Duration.ofMillis(30)).jitter(0);

    private final List<DbbrainClient> clients = new ArrayList<>();
    private DbbrainEmulator emulator;

    @AfterEach
    void tearDown() {
        clients.forEach(DbbrainClient::close);
        if (emulator != null) {
            emulator.stop();
        }
    }

    private DbbrainClient client(DbbrainEventListener listener, int maxRetries, Clock clock) {
        DbbrainClient client = DbbrainClient.builder().endpoint(emulator.endpoint())
                .credentials(Credentials.of(ID, KEY)).clock(clock).maxRetries(maxRetries)
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5)).rateLimiter(RateLimiter.unlimited())
                .maxWatches(2).eventListener(listener).build();
        clients.add(client);
        return client;
    }

    private DbbrainClient client(DbbrainEventListener listener, int maxRetries) {
        return client(listener, maxRetries, Clock.systemUTC());
    }

    private static Mono<DescribeProxySessionKillTasksResponse> describe(DbbrainClient client, long task) {
        return client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, task));
    }

    /** Records every event with its identity, and what the call's wrapper put into the context of its attempts. */
    static final class Recording extends DbbrainEventListener {
        final List<Call> calls = new CopyOnWriteArrayList<>();
        final List<Attempt> waits = new CopyOnWriteArrayList<>();
        final List<Attempt> requests = new CopyOnWriteArrayList<>();
        final List<Object> callsInContext = new CopyOnWriteArrayList<>();
        final List<String> watchEvents = new CopyOnWriteArrayList<>();
        final List<TaskInfo> updates = new CopyOnWriteArrayList<>();

        @Override
        public <T> Mono<T> call(Call call, Mono<T> execution) {
            return Mono.defer(() -> {
                calls.add(call);
                return execution;
            }).contextWrite(c -> c.put(Call.class, call));
        }

        @Override
        public <T> Mono<T> permitWait(Attempt attempt, Mono<T> wait) {
            return Mono.deferContextual(c -> {
                waits.add(attempt);
                callsInContext.add(c.getOrDefault(Call.class, "none"));
                return wait;
            });
        }

        @Override
        public <T> Mono<T> request(Attempt attempt, Mono<T> exchange, Function<? super T, String> requestId) {
            return Mono.deferContextual(c -> {
                requests.add(attempt);
                callsInContext.add(c.getOrDefault(Call.class, "none"));
                return exchange;
            });
        }

        @Override
        public void watchStarted(String instanceId, long taskId) {
            watchEvents.add("started " + instanceId + " " + taskId);
        }

        @Override
        public void watchEnded(String instanceId, long taskId) {
            watchEvents.add("ended " + instanceId + " " + taskId);
        }

        @Override
        public void watchRejected(String instanceId, OptionalLong taskId) {
            watchEvents.add("rejected " + instanceId + " " + taskId);
        }

        @Override
        public void watchUpdated(String instanceId, TaskInfo state) {
            assertThat(state.instanceId()).isEqualTo(instanceId);
            updates.add(state);
        }
    }

    @Test
    void everyAttemptOfARetriedCallCarriesTheSameCallAndItsNumberFromZero() {
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).start();
        emulator.enqueue(DESCRIBE, EmulatorAnswer.error("RequestLimitExceeded", "slow down"),
                EmulatorAnswer.httpStatus(503), EmulatorAnswer.simulated());
        Recording listener = new Recording();
        DbbrainClient client = client(listener, 3);

        StepVerifier.create(describe(client, 7)).expectNextCount(1).expectComplete().verify(WAIT);

        assertThat(listener.calls).hasSize(1);
        Call call = listener.calls.get(0);
        assertThat(call.action()).isEqualTo(DESCRIBE);
        assertThat(call.instanceId()).isEqualTo(INSTANCE);
        assertThat(listener.requests).extracting(Attempt::number).containsExactly(0, 1, 2);
        assertThat(listener.waits).extracting(Attempt::number).containsExactly(0, 1, 2);
        assertThat(listener.requests).allSatisfy(a -> assertThat(a.call()).isSameAs(call));
        assertThat(listener.waits).allSatisfy(a -> assertThat(a.call()).isSameAs(call));
        // The call's wrapper runs around its attempts: what it writes into the context reaches each of them.
        assertThat(listener.callsInContext).hasSize(6).allSatisfy(c -> assertThat(c).isSameAs(call));
    }

    @Test
    void aCreateThrottledOnceIsOneCallOfTwoAttempts() {
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).start();
        emulator.enqueue(CREATE, EmulatorAnswer.error("RequestLimitExceeded", "slow down"),
                EmulatorAnswer.created(4242));
        Recording listener = new Recording();
        DbbrainClient client = client(listener, 1);

        StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(INSTANCE)))
                .assertNext(created -> assertThat(created.asyncRequestId()).isEqualTo(4242))
                .expectComplete().verify(WAIT);

        assertThat(listener.calls).singleElement().extracting(Call::action, Call::instanceId)
                .containsExactly(CREATE, INSTANCE);
        assertThat(listener.requests).extracting(Attempt::number).containsExactly(0, 1);
        assertThat(listener.requests).extracting(Attempt::call).containsOnly(listener.calls.get(0));
    }

    @Test
    void theResendAfterAClockCorrectionIsTheNextAttemptOfTheSameCall() {
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).start();
        Recording listener = new Recording();
        DbbrainClient skewed = client(listener, 0, Clock.offset(Clock.systemUTC(), Duration.ofHours(-3)));

        StepVerifier.create(describe(skewed, 1)).expectNextCount(1).expectComplete().verify(WAIT);

        assertThat(skewed.stats().clockCorrections()).isEqualTo(1);
        assertThat(listener.calls).hasSize(1);
        assertThat(listener.requests).extracting(Attempt::number).containsExactly(0, 1);
        assertThat(listener.requests).extracting(Attempt::call).containsOnly(listener.calls.get(0));
    }

    @Test
    void eachSubscriptionIsACallOfItsOwnNumberedUnderTheClientsRandomPrefixAndNamingNoSecret() {
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).start();
        Recording listener = new Recording();
        DbbrainClient client = client(listener, 0);
        DbbrainClient other = client(listener, 0);

        Mono<DescribeProxySessionKillTasksResponse> describe = describe(client, 1);
        describe.block(WAIT);
        describe.block(WAIT);
        client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(INSTANCE)).block(WAIT);
        describe(other, 1).block(WAIT);

        assertThat(listener.calls).hasSize(4);
        List<String> ids = listener.calls.stream().map(Call::id).toList();
        assertThat(ids).doesNotHaveDuplicates().allMatch(id -> id.matches("[0-9a-f]{12}-[1-9][0-9]*"));
        String prefix = ids.get(0).substring(0, 12);
        assertThat(ids.subList(0, 3)).containsExactly(prefix + "-1", prefix + "-2", prefix + "-3");
        assertThat(ids.get(3)).doesNotStartWith(prefix).endsWith("-1");
        assertThat(listener.calls).extracting(Call::action).containsExactly(DESCRIBE, DESCRIBE, CREATE, DESCRIBE);
        assertThat(listener.calls).allSatisfy(call -> assertThat(call.toString())
                .contains(call.id(), call.action(), INSTANCE).doesNotContain(ID, KEY));
        assertThat(listener.requests).extracting(Attempt::number).containsOnly(0);
    }

    @Test
    void eachPollRoundOfAWatchIsACallOfItsOwnOnTheWatchedInstance() {
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).stepDuration(Duration.ofMillis(60)).start();
        Recording listener = new Recording();
        DbbrainClient client = client(listener, 0);
        long task = client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(INSTANCE))
                .map(CreateProxySessionKillTaskResponse::asyncRequestId).block(WAIT);

        List<TaskInfo> states = client.watch(INSTANCE, task, FAST).collectList().block(WAIT);

        assertThat(states).last().extracting(TaskInfo::taskStatus).isEqualTo(TaskStatus.FINISHED);
        List<Call> rounds = listener.calls.subList(1, listener.calls.size());
        long describes = emulator.stats().requests().get(DESCRIBE);
        assertThat(rounds).hasSize((int) describes).hasSizeGreaterThan(1);
        assertThat(rounds).extracting(Call::action).containsOnly(DESCRIBE);
        assertThat(rounds).extracting(Call::instanceId).containsOnly(INSTANCE);
        assertThat(rounds).extracting(Call::id).doesNotHaveDuplicates();
        assertThat(listener.requests).extracting(Attempt::number).containsOnly(0);
    }

    @Test
    void watchEventsNameTheInstanceAndTheTask() {
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).stepDuration(Duration.ofMillis(40)).start();
        Recording listener = new Recording();
        DbbrainClient client = client(listener, 0);

        List<TaskInfo> states = client.killProxySessions(INSTANCE, FAST).collectList().block(WAIT);
        long task = states.get(0).asyncRequestId();

        assertThat(listener.watchEvents).containsExactly("started " + INSTANCE + " " + task,
                "ended " + INSTANCE + " " + task);
        assertThat(listener.updates).extracting(TaskInfo::asyncRequestId).containsOnly(task);
        assertThat(listener.updates).last().extracting(TaskInfo::taskStatus).isEqualTo(TaskStatus.FINISHED);

        // maxWatches is 2: two watches that ask for nothing hold both places.
        listener.watchEvents.clear();
        TestSubscriber<TaskInfo> first = TestSubscriber.<TaskInfo>builder().initialRequest(0).build();
        TestSubscriber<TaskInfo> second = TestSubscriber.<TaskInfo>builder().initialRequest(0).build();
        client.watch(INSTANCE, task, FAST).subscribe(first);
        client.watch("crs-ident002", 99, FAST).subscribe(second);
        StepVerifier.create(client.watch("crs-ident003", 5)).expectError(DbbrainCapacityException.class)
                .verify(WAIT);
        StepVerifier.create(client.killProxySessions("crs-ident004")).expectError(DbbrainCapacityException.class)
                .verify(WAIT);
        first.cancel();
        second.cancel();

        assertThat(listener.watchEvents).containsExactly(
                "started " + INSTANCE + " " + task,
                "started crs-ident002 99",
                "rejected crs-ident003 OptionalLong[5]",
                "rejected crs-ident004 OptionalLong.empty",
                "ended " + INSTANCE + " " + task,
                "ended crs-ident002 99");
    }

    /** A listener written before calls had an identity: it overrides only the older methods. */
    static final class OlderListener extends DbbrainEventListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public <T> Mono<T> request(String action, Mono<T> exchange, Function<? super T, String> requestId) {
            return exchange.doOnSuccess(answer -> events.add("request " + action + " " + requestId.apply(answer)));
        }

        @Override
        public <T> Mono<T> permitWait(String action, Mono<T> wait) {
            return wait.doOnSuccess(permit -> events.add("wait " + action));
        }

        @Override
        public void watchStarted() {
            events.add("started");
        }

        @Override
        public void watchEnded() {
            events.add("ended");
        }

        @Override
        public void watchRejected() {
            events.add("rejected");
        }

        @Override
        public void watchUpdated(TaskStatus status) {
            events.add("updated " + status);
        }
    }

    @Test
    void aListenerOverridingOnlyTheOlderMethodsHearsEveryEventAsBefore() {
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).stepDuration(Duration.ofMillis(40)).start();
        OlderListener listener = new OlderListener();
        DbbrainClient client = client(listener, 0);

        List<TaskInfo> states = client.killProxySessions(INSTANCE, FAST).collectList().block(WAIT);
        TestSubscriber<TaskInfo> first = TestSubscriber.<TaskInfo>builder().initialRequest(0).build();
        TestSubscriber<TaskInfo> second = TestSubscriber.<TaskInfo>builder().initialRequest(0).build();
        client.watch(INSTANCE, 1, FAST).subscribe(first);
        client.watch(INSTANCE, 2, FAST).subscribe(second);
        StepVerifier.create(client.watch(INSTANCE, 3)).expectError(DbbrainCapacityException.class).verify(WAIT);
        first.cancel();
        second.cancel();

        long requests = client.stats().requests();
        assertThat(listener.events).filteredOn(e -> e.startsWith("wait ")).hasSize((int) requests);
        assertThat(listener.events).filteredOn(e -> e.startsWith("request ")).hasSize((int) requests)
                .allMatch(e -> e.matches("request (" + CREATE + "|" + DESCRIBE + ") \\S+"))
                .first().asString().startsWith("request " + CREATE);
        assertThat(listener.events).filteredOn(e -> !e.startsWith("wait ") && !e.startsWith("request "))
                .containsSubsequence("started", "updated FINISHED", "ended", "started", "started", "rejected",
                        "ended", "ended")
                .filteredOn(e -> e.startsWith("updated ")).hasSize(states.size());
    }

    @Test
    void aListenerOverridingBothFormsHearsEachEventOnceThroughTheNewerOne() {
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).faultThrottle(1.0).start();
        List<String> heard = new CopyOnWriteArrayList<>();
        DbbrainEventListener both = new DbbrainEventListener() {
            @Override
            public <T> Mono<T> request(Attempt attempt, Mono<T> exchange, Function<? super T, String> id) {
                heard.add("newer request " + attempt.number());
                return exchange;
            }

            @Override
            public <T> Mono<T> request(String action, Mono<T> exchange, Function<? super T, String> id) {
                heard.add("older request");
                return exchange;
            }

            @Override
            public <T> Mono<T> permitWait(Attempt attempt, Mono<T> wait) {
                heard.add("newer wait " + attempt.number());
                // An override may still hand on to the older form, as the default does.
                return super.permitWait(attempt, wait);
            }

            @Override
            public <T> Mono<T> permitWait(String action, Mono<T> wait) {
                heard.add("older wait");
                return wait;
            }
        };
        DbbrainClient client = client(both, 1);

        StepVerifier.create(describe(client, 1)).expectError(DbbrainApiException.class).verify(WAIT);

        assertThat(heard).containsExactly("newer wait 0", "older wait", "newer request 0",
                "newer wait 1", "older wait", "newer request 1");
    }
}
