package dev.dbbrain.reactive.emulator;

/** Per-request probabilities of each injected fault; all zero means no fault is ever rolled. */
record FaultRates(double gatewayError, double reset, double malformed, double internalError, double throttle) {

    double total() {
        return gatewayError + reset + malformed + internalError + throttle;
    }
}
