package dev.dbbrain.reactive.emulator;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The Reactor Netty handler: serves {@code GET /_emulator/stats}, refuses what the API never serves
 * ({@link HttpRefusal}), and for every other request receives the body (bounded), counts and records it, decides
 * the reply, waits the configured latency and the answer's own delay on the scheduler (never on the event loop) and
 * writes the reply.
 *
 * <p>The decision, for a request that passed authentication: the test's script ({@link Script}) first, then an
 * injected fault, then the service's own answer ({@link ApiProcessor#serve}). A request that failed a check before
 * or at authentication gets an injected fault or that check's error; the script is left as it was.
 */
final class EmulatorHandler {

    static final String STATS_PATH = "/_emulator/stats";

    private final Clock clock;
    private final TrafficRecorder traffic;
    private final FaultInjector faults;
    private final ApiProcessor processor;
    private final Script script;
    private final RequestLog log;
    private final ScriptedReplies scripted;
    private final Supplier<byte[]> statsJson;
    private final Duration latency;
    private final Scheduler scheduler;

    EmulatorHandler(Clock clock, TrafficRecorder traffic, FaultInjector faults, ApiProcessor processor, Script script,
            RequestLog log, ScriptedReplies scripted, Supplier<byte[]> statsJson, Duration latency,
            Scheduler scheduler) {
        this.clock = clock;
        this.traffic = traffic;
        this.faults = faults;
        this.processor = processor;
        this.script = script;
        this.log = log;
        this.scripted = scripted;
        this.statsJson = statsJson;
        this.latency = latency;
        this.scheduler = scheduler;
    }

    /**
     * Marks the emulator's own warm-up request, sent once at start: it takes the whole HTTP and API path (its
     * SecretId is unknown, so it ends in an error answer before the rate limiter) but is neither counted, recorded,
     * scripted, delayed by the configured latency, nor given a fault. Nothing else recognises the header.
     */
    static final String WARM_UP_HEADER = "X-Dbbrain-Emulator-Warm-Up";

    /** A reply and how to deliver it. */
    private record Outcome(Reply reply, Delivery delivery) {
    }

    Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        String target = request.uri();
        if (HttpMethod.GET.equals(request.method()) && STATS_PATH.equals(RequestTarget.path(target))) {
            // Answered once the request's end was read, as every request (BodyReader says why).
            return BodyReader.drain(request, response).then(Mono.fromSupplier(statsJson))
                    .flatMap(json -> ReplyWriter.send(response, HttpResponseStatus.OK, "application/json", json))
                    .onErrorResume(error -> Mono.empty());
        }
        boolean warmUp = request.requestHeaders().contains(WARM_UP_HEADER);
        String method = request.method().name();
        HttpRefusal refusal = HttpRefusal.of(request.method(), target);
        if (refusal != null) {
            if (!warmUp) {
                record(method, target, request.requestHeaders(), RequestBody.of(new byte[0]), false);
            }
            traffic.error(refusal.errorKey());
            // A refusal that closes the connection needs nothing more from it; any other waits for the request's end.
            return refusal.close() ? refusal.send(response)
                    : BodyReader.drain(request, response).then(Mono.defer(() -> refusal.send(response)))
                            .onErrorResume(error -> Mono.empty());
        }
        long arrival = clock.millis();
        return BodyReader.read(request, ApiProcessor.MAX_BODY_BYTES)
                .doOnNext(body -> BodyReader.closeUnlessReadToEnd(body, response))
                .map(body -> warmUp
                        ? new Outcome(processor.process(method, target, request.requestHeaders(), body), Delivery.PLAIN)
                        : decide(method, target, request.requestHeaders(), body, arrival))
                .doOnNext(outcome -> {
                    if (!warmUp) {
                        count(outcome.reply());
                    }
                })
                .delayUntil(outcome -> {
                    Duration wait = warmUp ? Duration.ZERO : latency.plus(outcome.delivery().delay());
                    return wait.isZero() ? Mono.empty() : Mono.delay(wait, scheduler);
                })
                .flatMap(outcome -> ReplyWriter.write(request, response, outcome.reply(), outcome.delivery(),
                        DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().atOffset(ZoneOffset.UTC)),
                        scheduler))
                // The body can only fail to arrive when the client went away: there is nobody to answer.
                .onErrorResume(error -> Mono.empty());
    }

    private Outcome decide(String method, String target, HttpHeaders headers, RequestBody body, long arrival) {
        // Counted at its arrival time; a v1 request names its action only in its parameters.
        traffic.request(RequestAuthenticator.actionName(method, target, headers, body.bytes()), arrival);
        ApiProcessor.Verdict verdict = processor.authenticate(method, target, headers, body);
        RecordedRequest recorded = record(method, target, headers, body, verdict.signatureVerified());
        if (verdict.failure() != null) {
            return unscripted(() -> Envelopes.error(verdict.failure()), Delivery.PLAIN);
        }
        EmulatorAnswer answer = script.answer(verdict.call().action(), recorded);
        if (answer == null) {
            return unscripted(() -> processor.serve(verdict.call()), Delivery.PLAIN);
        }
        if (answer.kind() == EmulatorAnswer.Kind.SIMULATED) {
            return unscripted(() -> processor.serve(verdict.call()), Delivery.of(answer));
        }
        return new Outcome(scripted.reply(answer, recorded, clock.millis()), Delivery.of(answer));
    }

    /** An injected fault, if one is rolled; otherwise the service's own answer. */
    private Outcome unscripted(Supplier<Reply> answer, Delivery delivery) {
        Fault fault = faults.roll();
        return new Outcome(fault == Fault.NONE ? answer.get() : faults.reply(fault), delivery);
    }

    private RecordedRequest record(String method, String target, HttpHeaders headers, RequestBody body,
            boolean verified) {
        RecordedRequest recorded = new RecordedRequest(log.nextSequenceNumber(), Instant.now(clock), method,
                RequestFacts.of(method, target, headers, body), verified);
        log.add(recorded);
        return recorded;
    }

    private void count(Reply reply) {
        String key = reply.errorKey();
        if (key != null) {
            traffic.error(key);
        }
    }
}
