package dev.dbbrain.reactive.emulator;

/** The bytes of a request body, or the fact that it was larger than the emulator accepts (then no bytes kept). */
record RequestBody(byte[] bytes, boolean oversize) {

    static final RequestBody OVERSIZE = new RequestBody(new byte[0], true);

    static RequestBody of(byte[] bytes) {
        return new RequestBody(bytes, false);
    }
}
