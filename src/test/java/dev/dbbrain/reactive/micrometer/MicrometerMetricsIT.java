package dev.dbbrain.reactive.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.CreateProxySessionKillTaskResponse;
import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksRequest;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksResponse;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import dev.dbbrain.reactive.WatchOptions;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The Micrometer meters of a client, after real calls against the emulator on loopback. */
class MicrometerMetricsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ID = "AKIDmetricsIT";
    private static final String KEY = "metrics-it-secret-key";
    private static final String INSTANCE = "crs-metric01";
    private static final String CREATE = "CreateProxySessionKillTask";
    private static final String DESCRIBE = "DescribeProxySessionKillTasks";

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final List<DbbrainClient> clients = new ArrayList<>();
    private DbbrainEmulator emulator;

    @AfterEach
    void tearDown() {
        clients.forEach(DbbrainClient::close);
        if (emulator != null) {
            emulator.stop();
        }
    }

    private DbbrainClient client(Credentials credentials, int maxRetries, RateLimiter limiter) {
        DbbrainClient client = DbbrainClient.builder().endpoint(emulator.endpoint()).credentials(credentials)
                .maxRetries(maxRetries).retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .rateLimiter(limiter).eventListener(DbbrainMicrometer.metrics(registry)).build();
        clients.add(client);
        return client;
    }

    /** The requests timers of these tags, first sends and resends ({@code resend} false and true) alike. */
    private List<Timer> requests(String action, String outcome, String errorCode) {
        return List.copyOf(registry.find("dbbrain.client.requests").tags("action", action, "outcome", outcome,
                "error.code", errorCode).timers());
    }

    private long requestCount(String action, String outcome, String errorCode) {
        return requests(action, outcome, errorCode).stream().mapToLong(Timer::count).sum();
    }

    @Test
    void requestsAreTimedByActionOutcomeAndErrorCode() {
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).start();
        DbbrainClient client = client(Credentials.of(ID, KEY), 0, RateLimiter.unlimited());
        long task = client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(INSTANCE))
                .map(CreateProxySessionKillTaskResponse::asyncRequestId).block(WAIT);
        client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, task)).block(WAIT);
        client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, task)).block(WAIT);

        DbbrainClient wrongKey = client(Credentials.of(ID, "not-the-key"), 0, RateLimiter.unlimited());
        Throwable refused = wrongKey.describeProxySessionKillTasks(
                DescribeProxySessionKillTasksRequest.of(INSTANCE, task)).then(Mono.<Throwable>empty())
                .onErrorResume(Mono::just).block(WAIT);
        assertThat(refused).isInstanceOf(DbbrainApiException.class);

        assertThat(requestCount(CREATE, "SUCCESS", "none")).isEqualTo(1);
        assertThat(requestCount(DESCRIBE, "SUCCESS", "none")).isEqualTo(2);
        assertThat(requestCount(DESCRIBE, "AUTH", ((DbbrainApiException) refused).code())).isEqualTo(1);
        assertThat(registry.find("dbbrain.client.requests").timers().stream().mapToLong(Timer::count).sum())
                .isEqualTo(4);
        assertThat(requests(CREATE, "SUCCESS", "none")).singleElement()
                .satisfies(t -> assertThat(t.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive());
    }

    @Test
    void everyRetryIsARequestOfItsOwnTaggedAsAResendAndTheCallIsTimedOnce() {
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).faultThrottle(1.0).start();
        DbbrainClient client = client(Credentials.of(ID, KEY), 2, RateLimiter.unlimited());

        Throwable error = client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, 1))
                .then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(WAIT);

        assertThat(error).isInstanceOf(DbbrainApiException.class);
        assertThat(requestCount(DESCRIBE, "THROTTLED", "RequestLimitExceeded")).isEqualTo(3);
        assertThat(registry.get("dbbrain.client.requests").tag("resend", "false").timer().count()).isEqualTo(1);
        assertThat(registry.get("dbbrain.client.requests").tag("resend", "true").timer().count()).isEqualTo(2);
        Timer calls = registry.get("dbbrain.client.calls").tags("action", DESCRIBE, "outcome", "THROTTLED",
                "error.code", "RequestLimitExceeded").timer();
        assertThat(calls.count()).isEqualTo(1);
        // The call's time holds its three attempts and the backoffs between them.
        assertThat(calls.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isGreaterThanOrEqualTo(
                requests(DESCRIBE, "THROTTLED", "RequestLimitExceeded").stream()
                        .mapToDouble(t -> t.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).sum());
    }

    @Test
    void gatewayErrorsAreTaggedWithTheirStatusAndTransportErrorsAsTransport() {
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).fault502(1.0).start();
        DbbrainClient client = client(Credentials.of(ID, KEY), 1, RateLimiter.unlimited());
        client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, 1))
                .onErrorResume(e -> Mono.empty()).block(WAIT);
        String port = emulator.endpoint().substring(emulator.endpoint().lastIndexOf(':') + 1);
        emulator.stop();
        emulator = null;
        DbbrainClient refused = DbbrainClient.builder().endpoint("http://127.0.0.1:" + port)
                .credentials(Credentials.of(ID, KEY)).maxRetries(0).rateLimiter(RateLimiter.unlimited())
                .eventListener(DbbrainMicrometer.metrics(registry)).build();
        clients.add(refused);
        refused.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, 1))
                .onErrorResume(e -> Mono.empty()).block(WAIT);

        Set<String> codes = registry.find("dbbrain.client.requests").tag("outcome", "TRANSIENT").timers().stream()
                .map(t -> t.getId().getTag("error.code")).collect(Collectors.toSet());
        // The emulator answers 502 and 503 alternately; the second client finds the port closed.
        assertThat(codes).containsExactlyInAnyOrder("HTTP_502", "HTTP_503", "TRANSPORT");
    }

    @Test
    void limiterWaitsAreTimedPerActionAndTheQueueDrainsToZero() {
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).start();
        DbbrainClient client = client(Credentials.of(ID, KEY), 0,
                RateLimiter.builder().permitsPerSecond(10).burst(1).build());
        List<Double> queuedSeen = new CopyOnWriteArrayList<>();

        Flux.range(1, 4)
                .flatMap(i -> client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, i))
                        .doOnSubscribe(s -> queuedSeen.add(registry.get("dbbrain.limiter.queued").gauge().value())))
                .then().block(WAIT);

        Timer wait = registry.get("dbbrain.limiter.wait").tag("action", DESCRIBE).timer();
        assertThat(wait.count()).isEqualTo(4);
        // Burst 1 at 10 per second: the last of four waited about 300 ms; only counts are exact on a loaded machine.
        assertThat(wait.max(java.util.concurrent.TimeUnit.MILLISECONDS)).isPositive();
        assertThat(queuedSeen).isNotEmpty();
        assertThat(registry.get("dbbrain.limiter.queued").gauge().value()).isZero();
    }

    @Test
    void watchesAreCountedWhileRunningAndEachStateChangeOnceWhateverTheSubscribers() {
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).stepDuration(Duration.ofMillis(150)).start();
        DbbrainClient client = client(Credentials.of(ID, KEY), 2, RateLimiter.unlimited());
        long task = client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(INSTANCE))
                .map(CreateProxySessionKillTaskResponse::asyncRequestId).block(WAIT);
        WatchOptions options = WatchOptions.defaults().pollInterval(Duration.ofMillis(40)).jitter(0);
        List<Double> activeSeen = new CopyOnWriteArrayList<>();

        List<List<TaskInfo>> seen = Flux.merge(client.watch(INSTANCE, task, options).collectList(),
                client.watch(INSTANCE, task, options)
                        .doOnNext(t -> activeSeen.add(registry.get("dbbrain.watch.active").gauge().value()))
                        .collectList())
                .collectList().block(WAIT);

        // A watch cancelled after its first state leaves the gauge too.
        assertThat(client.watch(INSTANCE, task, options).take(1).collectList().block(WAIT)).hasSize(1);
        assertThat(registry.get("dbbrain.watch.active").gauge().value()).isZero();
        assertThat(seen).allSatisfy(states -> assertThat(states).last()
                .extracting(TaskInfo::taskStatus).isEqualTo(TaskStatus.FINISHED));
        assertThat(activeSeen).contains(2.0);
        assertThat(registry.get("dbbrain.watch.active").gauge().value()).isZero();
        assertThat(registry.get("dbbrain.watch.updates").tag("status", "finished").counter().count()).isEqualTo(1);
        double changes = registry.find("dbbrain.watch.updates").counters().stream().mapToDouble(c -> c.count()).sum();
        // Each subscriber saw every change (demand unbounded); the loop counted each once, not once per subscriber.
        assertThat(changes).isEqualTo(seen.get(0).size());
    }

    @Test
    void noMeterTagCarriesAnIdOrASecretAndEveryMeterHasItsListedTagKeys() {
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).stepDuration(Duration.ofMillis(50)).start();
        DbbrainClient client = client(Credentials.of(ID, KEY), 2, RateLimiter.builder().burst(2).build());
        List<String> forbidden = new ArrayList<>(List.of(ID, KEY, INSTANCE));
        List<TaskInfo> states = client.killProxySessions(INSTANCE, null,
                WatchOptions.defaults().pollInterval(Duration.ofMillis(30))).collectList().block(WAIT);
        long task = states.get(0).asyncRequestId();
        DescribeProxySessionKillTasksResponse described = client.describeProxySessionKillTasks(
                DescribeProxySessionKillTasksRequest.of(INSTANCE, task)).block(WAIT);
        forbidden.add(Long.toString(task));
        forbidden.add(described.requestId());
        client(Credentials.of(ID, "wrong-secret-key"), 0, RateLimiter.unlimited())
                .describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, task))
                .onErrorResume(e -> Mono.empty()).block(WAIT);
        forbidden.add("wrong-secret-key");

        for (Meter meter : registry.getMeters()) {
            for (Tag tag : meter.getId().getTags()) {
                assertThat(forbidden).noneMatch(f -> tag.getValue().contains(f) || tag.getKey().contains(f));
            }
            Set<String> keys = meter.getId().getTags().stream().map(Tag::getKey).collect(Collectors.toSet());
            switch (meter.getId().getName()) {
                case "dbbrain.client.requests" -> assertThat(keys)
                        .containsExactlyInAnyOrder("action", "resend", "outcome", "error.code", "error");
                case "dbbrain.client.calls" ->
                        assertThat(keys).containsExactlyInAnyOrder("action", "outcome", "error.code", "error");
                case "dbbrain.client.requests.active" -> assertThat(keys).containsExactlyInAnyOrder("action", "resend");
                case "dbbrain.client.calls.active", "dbbrain.limiter.wait" ->
                        assertThat(keys).containsExactly("action");
                case "dbbrain.limiter.queued", "dbbrain.watch.active", "dbbrain.watch.rejected",
                        "dbbrain.watch.shared.received", "dbbrain.watch.shared.takeovers" ->
                        assertThat(keys).isEmpty();
                case "dbbrain.watch.updates" -> assertThat(keys).containsExactly("status");
                case "dbbrain.watch.shared.polls" -> assertThat(keys).containsExactly("shared");
                case "dbbrain.watch.shared.rejected" -> assertThat(keys).containsExactly("reason");
                default -> throw new AssertionError("unexpected meter " + meter.getId());
            }
        }
        assertThat(registry.getMeters()).extracting(m -> m.getId().getName()).contains("dbbrain.client.requests",
                "dbbrain.client.calls", "dbbrain.limiter.wait", "dbbrain.limiter.queued", "dbbrain.watch.active", "dbbrain.watch.updates",
                "dbbrain.watch.rejected");
    }
}
