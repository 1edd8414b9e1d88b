package dev.dbbrain.reactive.emulator;

import java.time.Duration;

/**
 * How a reply goes on the wire, beyond its bytes: a wait before it, a body in pieces with a wait before each, the
 * connection closed after it. Scripted answers set these; the emulator's own replies use {@link #PLAIN}.
 *
 * @param delay the wait before the answer, added to the configured latency
 * @param trickleBytes bytes per piece of the body, or 0 for the body at once
 * @param trickleInterval the wait before each piece
 * @param disconnectAtEnd whether the connection is closed once the answer is sent
 */
record Delivery(Duration delay, int trickleBytes, Duration trickleInterval, boolean disconnectAtEnd) {

    static final Delivery PLAIN = new Delivery(Duration.ZERO, 0, Duration.ZERO, false);

    static Delivery of(EmulatorAnswer answer) {
        return new Delivery(answer.delay(), answer.trickleBytes(), answer.trickleInterval(),
                answer.disconnectsAtEnd());
    }
}
