package dev.dbbrain.reactive.emulator;

/**
 * The bytes of a request body, or the fact that it was larger than the emulator accepts (then no bytes kept), and
 * whether it was read to its end (see {@link BodyReader}).
 */
record RequestBody(byte[] bytes, boolean oversize, boolean readToEnd) {

    /** Larger than accepted, and read (dropped) to its end. */
    static final RequestBody OVERSIZE = new RequestBody(new byte[0], true, true);
    /** Larger than accepted, and left unread: the connection cannot carry another request. */
    static final RequestBody OVERSIZE_UNREAD = new RequestBody(new byte[0], true, false);

    static RequestBody of(byte[] bytes) {
        return new RequestBody(bytes, false, true);
    }
}
