package dev.dbbrain.reactive.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.CreateProxySessionKillTaskResponse;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksRequest;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksResponse;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.util.context.ContextView;

/**
 * One observation per call, nested under the subscriber's observation, and one per HTTP request (attempt) nested under
 * its call's and visible to the HTTP client.
 */
class MicrometerObservationIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ID = "AKIDobserveIT";
    private static final String KEY = "observe-it-secret-key";
    private static final String INSTANCE = "crs-observe1";

    private final TestObservationRegistry observations = TestObservationRegistry.create();
    private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
    private final List<ContextView> requestContexts = new CopyOnWriteArrayList<>();
    private DbbrainEmulator emulator;
    private DbbrainClient client;

    @BeforeEach
    void setUp() {
        observations.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

            @Override
            public void onStop(Observation.Context context) {
                stopped.add(context);
            }
        });
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).start();
        // The application's own HTTP client: what it sees of each request's Reactor context is what a Reactor Netty
        // observation or a tracing handler would see.
        HttpClient http = HttpClient.create().doOnRequest((request, connection) ->
                requestContexts.add(request.currentContextView()));
        client = DbbrainClient.builder().endpoint(emulator.endpoint()).credentials(Credentials.of(ID, KEY))
                .httpClient(http).maxRetries(0).rateLimiter(RateLimiter.unlimited())
                .eventListener(DbbrainMicrometer.observations(new SimpleMeterRegistry(), observations)).build();
    }

    @AfterEach
    void tearDown() {
        client.close();
        emulator.stop();
    }

    private List<Observation.Context> requests() {
        return stopped.stream().filter(c -> c.getName().equals("dbbrain.client.requests")).toList();
    }

    private List<Observation.Context> calls() {
        return stopped.stream().filter(c -> c.getName().equals("dbbrain.client.calls")).toList();
    }

    @Test
    void eachCallIsOneObservationAndEachAttemptOneUnderItWithTheTagsAsLowAndTheIdsAsHighCardinalityValues() {
        CreateProxySessionKillTaskResponse created = client.createProxySessionKillTask(
                CreateProxySessionKillTaskRequest.of(INSTANCE)).block(WAIT);

        assertThat(requests()).hasSize(1);
        assertThat(calls()).hasSize(1);
        Observation.Context context = requests().get(0);
        Observation.Context call = calls().get(0);
        assertThat(context.getContextualName()).isEqualTo("CreateProxySessionKillTask attempt");
        assertThat(context.getLowCardinalityKeyValues()).extracting(KeyValue::getKey, KeyValue::getValue)
                .containsExactlyInAnyOrder(
                        tuple("action", "CreateProxySessionKillTask"),
                        tuple("resend", "false"),
                        tuple("outcome", "SUCCESS"),
                        tuple("error.code", "none"));
        String callId = call.getHighCardinalityKeyValue("call.id").getValue();
        assertThat(callId).matches("[0-9a-f]{12}-1");
        assertThat(context.getHighCardinalityKeyValues()).extracting(KeyValue::getKey, KeyValue::getValue)
                .containsExactlyInAnyOrder(
                        tuple("request.id", created.requestId()),
                        tuple("call.id", callId),
                        tuple("instance.id", INSTANCE),
                        tuple("http.request.resend_count", "0"));
        assertThat(context.getParentObservation().getContextView()).isSameAs(call);
        assertThat(context.getError()).isNull();

        assertThat(call.getContextualName()).isEqualTo("CreateProxySessionKillTask");
        assertThat(call.getLowCardinalityKeyValues()).extracting(KeyValue::getKey, KeyValue::getValue)
                .containsExactlyInAnyOrder(
                        tuple("action", "CreateProxySessionKillTask"),
                        tuple("outcome", "SUCCESS"),
                        tuple("error.code", "none"));
        assertThat(call.getHighCardinalityKeyValues()).extracting(KeyValue::getKey, KeyValue::getValue)
                .containsExactlyInAnyOrder(tuple("call.id", callId), tuple("instance.id", INSTANCE));
        assertThat(call.getParentObservation()).isNull();
    }

    @Test
    void theObservationInTheSubscribersContextIsTheParentAndTheRequestsObservationReachesTheHttpClient() {
        Observation parent = Observation.start("checkout", observations);
        DescribeProxySessionKillTasksResponse answer = client.describeProxySessionKillTasks(
                        DescribeProxySessionKillTasksRequest.of(INSTANCE, 1))
                .contextWrite(c -> c.put(ObservationThreadLocalAccessor.KEY, parent).put("tenant", "blue"))
                .block(WAIT);
        parent.stop();

        assertThat(requests()).hasSize(1);
        Observation.Context context = requests().get(0);
        assertThat(calls()).hasSize(1);
        assertThat(calls().get(0).getParentObservation()).isSameAs(parent);
        assertThat(context.getParentObservation().getContextView()).isSameAs(calls().get(0));
        assertThat(context.getHighCardinalityKeyValue("request.id").getValue()).isEqualTo(answer.requestId());

        assertThat(requestContexts).hasSize(1);
        ContextView seenByHttp = requestContexts.get(0);
        assertThat(seenByHttp.<String>get("tenant")).isEqualTo("blue");
        Observation inHttp = seenByHttp.get(ObservationThreadLocalAccessor.KEY);
        assertThat(inHttp.getContext()).isSameAs(context);
    }

    @Test
    void aFailedRequestIsObservedWithItsErrorAndCodeAndTheRequestIdOfTheAnswer() {
        DbbrainClient wrong = DbbrainClient.builder().endpoint(emulator.endpoint())
                .credentials(Credentials.of(ID, "wrong-key")).maxRetries(0).rateLimiter(RateLimiter.unlimited())
                .eventListener(DbbrainMicrometer.observations(new SimpleMeterRegistry(), observations)).build();
        try {
            Throwable error = wrong.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, 1))
                    .then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(WAIT);
            Observation.Context context = requests().get(0);
            assertThat(requests()).hasSize(1);
            assertThat(context.getError()).isSameAs(error);
            assertThat(context.getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("AUTH");
            assertThat(context.getLowCardinalityKeyValue("error.code").getValue())
                    .startsWith("AuthFailure");
            assertThat(context.getHighCardinalityKeyValue("request.id").getValue())
                    .isEqualTo(((dev.dbbrain.reactive.DbbrainException) error).requestId());
            // The call failed with the attempt's error, and says so with the same tags and RequestId.
            Observation.Context call = calls().get(0);
            assertThat(call.getError()).isSameAs(error);
            assertThat(call.getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("AUTH");
            assertThat(call.getHighCardinalityKeyValue("request.id").getValue())
                    .isEqualTo(((dev.dbbrain.reactive.DbbrainException) error).requestId());
        } finally {
            wrong.close();
        }
    }

    @Test
    void aCancelledRequestIsStoppedOnceAsCancelled() {
        emulator.stop();
        emulator = DbbrainEmulator.builder().credentials(ID, KEY).latency(Duration.ofSeconds(20)).start();
        DbbrainClient slow = DbbrainClient.builder().endpoint(emulator.endpoint()).credentials(Credentials.of(ID, KEY))
                .maxRetries(0).rateLimiter(RateLimiter.unlimited())
                .eventListener(DbbrainMicrometer.observations(new SimpleMeterRegistry(), observations)).build();
        try {
            Object result = slow.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, 1))
                    .map(Object.class::cast).timeout(Duration.ofMillis(300), Mono.just("gave up")).block(WAIT);
            assertThat(result).isEqualTo("gave up");
            assertThat(requests()).hasSize(1);
            assertThat(requests().get(0).getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("CANCELLED");
            assertThat(calls()).singleElement().satisfies(call -> assertThat(
                    call.getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("CANCELLED"));
        } finally {
            slow.close();
        }
    }
}
