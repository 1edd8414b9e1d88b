package dev.dbbrain.reactive.emulator;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rolls, per API request, whether to inject a fault instead of processing it, with the seeded random.
 *
 * <p>One roll decides among all kinds: each kind owns a band of [0, 1) as wide as its probability, in the order
 * 502/503, reset, malformed, InternalError, throttle. The configured probabilities are thus exact while they add
 * up to at most 1; past that, earlier kinds win. With all probabilities zero no random number is drawn, so the
 * task-failure rolls stay reproducible.
 */
final class FaultInjector {

    private final FaultRates rates;
    private final Random random;
    private final AtomicLong gatewayErrors = new AtomicLong();

    FaultInjector(FaultRates rates, Random random) {
        this.rates = rates;
        this.random = random;
    }

    Fault roll() {
        if (rates.total() <= 0) {
            return Fault.NONE;
        }
        double roll = random.nextDouble();
        double band = rates.gatewayError();
        if (roll < band) {
            return Fault.GATEWAY_ERROR;
        }
        if (roll < (band += rates.reset())) {
            return Fault.RESET;
        }
        if (roll < (band += rates.malformed())) {
            return Fault.MALFORMED;
        }
        if (roll < (band += rates.internalError())) {
            return Fault.INTERNAL_ERROR;
        }
        if (roll < band + rates.throttle()) {
            return Fault.THROTTLE;
        }
        return Fault.NONE;
    }

    /** The reply of a fault; 502 and 503 alternate, starting with 502. */
    Reply reply(Fault fault) {
        switch (fault) {
            case GATEWAY_ERROR:
                return gatewayError(gatewayErrors.getAndIncrement() % 2 == 0 ? 502 : 503);
            case RESET:
                return Reply.Reset.FAULT;
            case MALFORMED:
                return new Reply.Malformed(Envelopes.truncated());
            case INTERNAL_ERROR:
                return Envelopes.error(ApiFailure.internalError());
            case THROTTLE:
                return Envelopes.error(ApiFailure.throttled());
            default:
                throw new IllegalArgumentException("not a fault: " + fault);
        }
    }

    private static Reply gatewayError(int status) {
        String title = status == 502 ? "502 Bad Gateway" : "503 Service Temporarily Unavailable";
        String html = "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title
                + "</h1></center>\r\n<hr><center>stgw</center>\r\n</body>\r\n</html>\r\n";
        return new Reply.GatewayError(status, html.getBytes(StandardCharsets.US_ASCII));
    }
}
