package dev.dbbrain.reactive.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.CreateProxySessionKillTaskResponse;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksRequest;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksResponse;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.WatchOptions;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorAnswer;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Traces of a client's calls with Micrometer Tracing: one trace per call, the call's span at its root (or under the
 * caller's span), one span per attempt under it, each with its resend count.
 */
class MicrometerTracingIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ID = "AKIDtracingIT";
    private static final String KEY = "tracing-it-secret-key";
    private static final String INSTANCE = "crs-trace001";
    private static final String CREATE = "CreateProxySessionKillTask";
    private static final String DESCRIBE = "DescribeProxySessionKillTasks";

    private final SimpleTracer tracer = new SimpleTracer();
    private final ObservationRegistry observations = ObservationRegistry.create();
    private final List<DbbrainClient> clients = new ArrayList<>();
    private final DbbrainEmulator emulator = DbbrainEmulator.builder().credentials(ID, KEY)
            .stepDuration(Duration.ofMillis(60)).start();

    MicrometerTracingIT() {
        observations.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
    }

    @AfterEach
    void tearDown() {
        clients.forEach(DbbrainClient::close);
        emulator.stop();
    }

    private DbbrainClient client() {
        DbbrainClient client = DbbrainClient.builder().endpoint(emulator.endpoint()).credentials(Credentials.of(ID, KEY))
                .maxRetries(3).retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .rateLimiter(RateLimiter.unlimited())
                .eventListener(DbbrainMicrometer.observations(new SimpleMeterRegistry(), observations)).build();
        clients.add(client);
        return client;
    }

    /** The finished spans by trace, in the order their traces started. */
    private Map<String, List<SimpleSpan>> traces() {
        return tracer.getSpans().stream()
                .sorted(Comparator.comparing(SimpleSpan::getStartTimestamp))
                .collect(Collectors.groupingBy(SimpleSpan::getTraceId, java.util.LinkedHashMap::new,
                        Collectors.toList()));
    }

    private static boolean isRoot(SimpleSpan span) {
        return span.getParentId() == null || span.getParentId().isEmpty();
    }

    private static List<SimpleSpan> childrenOf(SimpleSpan parent, List<SimpleSpan> spans) {
        return spans.stream().filter(s -> parent.getSpanId().equals(s.getParentId()))
                .sorted(Comparator.comparing(SimpleSpan::getStartTimestamp)).toList();
    }

    /** The spans as a tree, one trace after another, with the tags a reader checks. */
    private String tree() {
        StringBuilder out = new StringBuilder();
        traces().forEach((traceId, spans) -> {
            out.append("trace ").append(traceId).append('\n');
            spans.stream().filter(s -> spans.stream().noneMatch(p -> p.getSpanId().equals(s.getParentId())))
                    .forEach(root -> print(root, spans, "", "└─ ", out));
        });
        return out.toString();
    }

    private static void print(SimpleSpan span, List<SimpleSpan> spans, String indent, String branch,
            StringBuilder out) {
        out.append(indent).append(branch).append(span.getName()).append(' ').append(new TreeMap<>(span.getTags()))
                .append('\n');
        List<SimpleSpan> children = childrenOf(span, spans);
        String childIndent = indent + (branch.startsWith("├") ? "│  " : "   ");
        for (int i = 0; i < children.size(); i++) {
            print(children.get(i), spans, childIndent, i < children.size() - 1 ? "├─ " : "└─ ", out);
        }
    }

    @Test
    void aRetriedCallIsOneTraceWithOneSpanPerAttemptEachWithItsResendCount() {
        DbbrainClient client = client();
        emulator.enqueue(DESCRIBE, EmulatorAnswer.httpStatus(503), EmulatorAnswer.httpStatus(502),
                EmulatorAnswer.simulated());

        DescribeProxySessionKillTasksResponse answer = client.describeProxySessionKillTasks(
                DescribeProxySessionKillTasksRequest.of(INSTANCE, 1)).block(WAIT);
        client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, 2)).block(WAIT);
        System.out.print(tree());

        Map<String, List<SimpleSpan>> traces = traces();
        assertThat(traces).hasSize(2);
        List<List<SimpleSpan>> byTrace = List.copyOf(traces.values());

        List<SimpleSpan> retried = byTrace.get(0);
        SimpleSpan call = retried.stream().filter(MicrometerTracingIT::isRoot).findFirst().orElseThrow();
        assertThat(call.getName()).isEqualTo(DESCRIBE);
        assertThat(call.getTags()).containsEntry("action", DESCRIBE).containsEntry("instance.id", INSTANCE)
                .containsEntry("outcome", "SUCCESS").containsKey("call.id");
        List<SimpleSpan> attempts = childrenOf(call, retried);
        assertThat(retried).hasSize(4);
        assertThat(attempts).hasSize(3).allSatisfy(a -> {
            assertThat(a.getName()).isEqualTo(DESCRIBE + " attempt");
            assertThat(a.getTags()).containsEntry("call.id", call.getTags().get("call.id"))
                    .containsEntry("instance.id", INSTANCE);
        });
        assertThat(attempts).extracting(a -> a.getTags().get("http.request.resend_count"))
                .containsExactly("0", "1", "2");
        assertThat(attempts).extracting(a -> a.getTags().get("resend")).containsExactly("false", "true", "true");
        assertThat(attempts).extracting(a -> a.getTags().get("error.code"))
                .containsExactly("HTTP_503", "HTTP_502", "none");
        assertThat(attempts.get(2).getTags()).containsEntry("request.id", answer.requestId());

        List<SimpleSpan> single = byTrace.get(1);
        SimpleSpan secondCall = single.stream().filter(MicrometerTracingIT::isRoot).findFirst().orElseThrow();
        assertThat(secondCall.getTags().get("call.id")).isNotEqualTo(call.getTags().get("call.id"));
        assertThat(childrenOf(secondCall, single)).singleElement()
                .satisfies(a -> assertThat(a.getTags()).containsEntry("http.request.resend_count", "0")
                        .containsEntry("resend", "false"));
    }

    @Test
    void aThrottledCreateIsOneTraceOfTwoAttempts() {
        DbbrainClient client = client();
        emulator.enqueue(CREATE, EmulatorAnswer.error("RequestLimitExceeded", "slow down"),
                EmulatorAnswer.created(4242));

        assertThat(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(INSTANCE)).block(WAIT)
                .asyncRequestId()).isEqualTo(4242);
        System.out.print(tree());

        assertThat(traces()).hasSize(1);
        List<SimpleSpan> spans = traces().values().iterator().next();
        SimpleSpan call = spans.stream().filter(MicrometerTracingIT::isRoot).findFirst().orElseThrow();
        assertThat(call.getName()).isEqualTo(CREATE);
        assertThat(childrenOf(call, spans)).extracting(a -> a.getTags().get("http.request.resend_count"),
                a -> a.getTags().get("error.code")).containsExactly(tuple("0", "RequestLimitExceeded"),
                tuple("1", "none"));
    }

    @Test
    void underTheCallersSpanTheCallAndItsAttemptsJoinTheCallersTrace() {
        DbbrainClient client = client();
        emulator.enqueue(DESCRIBE, EmulatorAnswer.httpStatus(503), EmulatorAnswer.simulated());
        Observation checkout = Observation.start("checkout", observations);

        client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, 1))
                .contextWrite(c -> c.put(ObservationThreadLocalAccessor.KEY, checkout)).block(WAIT);
        checkout.stop();
        System.out.print(tree());

        assertThat(traces()).hasSize(1);
        List<SimpleSpan> spans = traces().values().iterator().next();
        SimpleSpan root = spans.stream().filter(MicrometerTracingIT::isRoot).findFirst().orElseThrow();
        assertThat(root.getName()).isEqualTo("checkout");
        SimpleSpan call = childrenOf(root, spans).get(0);
        assertThat(call.getName()).isEqualTo(DESCRIBE);
        assertThat(childrenOf(call, spans)).extracting(a -> a.getTags().get("http.request.resend_count"))
                .containsExactly("0", "1");
    }

    @Test
    void eachPollRoundOfAWatchIsATraceOfItsOwn() {
        DbbrainClient client = client();
        long task = client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(INSTANCE))
                .map(CreateProxySessionKillTaskResponse::asyncRequestId).block(WAIT);
        List<TaskInfo> states = client.watch(INSTANCE, task,
                WatchOptions.defaults().pollInterval(Duration.ofMillis(30)).jitter(0)).collectList().block(WAIT);
        System.out.print(tree());

        long describes = emulator.stats().requests().get(DESCRIBE);
        assertThat(states).isNotEmpty();
        assertThat(traces()).hasSize(1 + (int) describes);
        assertThat(traces().values()).allSatisfy(spans -> {
            assertThat(spans).hasSize(2);
            SimpleSpan call = spans.stream().filter(MicrometerTracingIT::isRoot).findFirst().orElseThrow();
            assertThat(childrenOf(call, spans)).singleElement()
                    .satisfies(a -> assertThat(a.getName()).isEqualTo(call.getName() + " attempt"));
        });
    }
}
