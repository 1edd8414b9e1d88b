package dev.dbbrain.reactive.emulator;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.time.Duration;
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
 * ({@link HttpRefusal}), and for every other request rolls for a fault, receives the body (bounded), counts it,
 * decides the reply, waits the configured latency on the scheduler (never on the event loop) and writes the reply.
 */
final class EmulatorHandler {

    static final String STATS_PATH = "/_emulator/stats";

    private final Clock clock;
    private final TrafficRecorder traffic;
    private final FaultInjector faults;
    private final ApiProcessor processor;
    private final Supplier<byte[]> statsJson;
    private final Duration latency;
    private final Scheduler scheduler;

    EmulatorHandler(Clock clock, TrafficRecorder traffic, FaultInjector faults, ApiProcessor processor,
            Supplier<byte[]> statsJson, Duration latency, Scheduler scheduler) {
        this.clock = clock;
        this.traffic = traffic;
        this.faults = faults;
        this.processor = processor;
        this.statsJson = statsJson;
        this.latency = latency;
        this.scheduler = scheduler;
    }

    /**
     * Marks the emulator's own warm-up request, sent once at start: it takes the whole HTTP and API path (its
     * SecretId is unknown, so it ends in an error answer before the rate limiter) but is neither counted, delayed by
     * the configured latency, nor given a fault. Nothing else recognises the header.
     */
    static final String WARM_UP_HEADER = "X-Dbbrain-Emulator-Warm-Up";

    Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        String target = request.uri();
        if (HttpMethod.GET.equals(request.method()) && STATS_PATH.equals(RequestTarget.path(target))) {
            return Mono.fromSupplier(statsJson).flatMap(json ->
                    ReplyWriter.send(response, HttpResponseStatus.OK, "application/json", json));
        }
        boolean warmUp = request.requestHeaders().contains(WARM_UP_HEADER);
        HttpRefusal refusal = HttpRefusal.of(request.method(), target);
        if (refusal != null) {
            traffic.error(refusal.errorKey());
            return refusal.send(response);
        }
        long arrival = clock.millis();
        String method = request.method().name();
        Fault fault = warmUp ? Fault.NONE : faults.roll();
        return BodyReader.read(request, ApiProcessor.MAX_BODY_BYTES)
                .doOnNext(body -> {
                    if (!warmUp) {
                        // Counted at its arrival time; a v1 request names its action only in its parameters.
                        traffic.request(RequestAuthenticator.actionName(method, target, request.requestHeaders(),
                                body.bytes()), arrival);
                    }
                })
                .map(body -> fault == Fault.NONE
                        ? processor.process(method, target, request.requestHeaders(), body)
                        : faults.reply(fault))
                .doOnNext(reply -> {
                    if (!warmUp) {
                        count(reply);
                    }
                })
                .doOnNext(reply -> closeIfBodyUnread(request, response))
                .delayUntil(reply -> latency.isZero() || warmUp ? Mono.empty() : Mono.delay(latency, scheduler))
                .flatMap(reply -> ReplyWriter.write(request, response.header(HttpHeaderNames.DATE,
                        DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().atOffset(ZoneOffset.UTC))), reply))
                // The body can only fail to arrive when the client went away: there is nobody to answer.
                .onErrorResume(error -> Mono.empty());
    }

    /**
     * A client that sent {@code Expect: 100-continue} and gets a final answer instead of 100 does not send its
     * body; keeping the connection would make the next request on it be read as that body. Closing it is the
     * other option RFC 9110 (section 10.1.1) gives the server.
     */
    private static void closeIfBodyUnread(HttpServerRequest request, HttpServerResponse response) {
        String expect = request.requestHeaders().get(HttpHeaderNames.EXPECT);
        if (expect != null && HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect)
                && BodyReader.skipsBody(request, ApiProcessor.MAX_BODY_BYTES)) {
            response.keepAlive(false);
        }
    }

    private void count(Reply reply) {
        String key = reply.errorKey();
        if (key != null) {
            traffic.error(key);
        }
    }
}
