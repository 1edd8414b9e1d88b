package dev.dbbrain.reactive.emulator;

/** The kinds of fault the emulator can inject into a request, instead of processing it. */
enum Fault {
    NONE, GATEWAY_ERROR, RESET, MALFORMED, INTERNAL_ERROR, THROTTLE
}
