package dev.dbbrain.reactive.emulator;

/**
 * What the emulator answers to one API request: an envelope, or one of the injected transport faults. Each kind
 * knows the key it is counted under in {@code errors} of the stats (null for a successful envelope).
 */
sealed interface Reply {

    String errorKey();

    /** HTTP 200 with a JSON envelope; {@code errorCode} is null for a success. */
    record Envelope(byte[] json, String errorCode) implements Reply {
        @Override
        public String errorKey() {
            return errorCode;
        }
    }

    /** A gateway's HTML error page with status 502 or 503, as a load balancer in front of the service sends. */
    record GatewayError(int status, byte[] html) implements Reply {
        @Override
        public String errorKey() {
            return "fault.http" + status;
        }
    }

    /** HTTP 200 with the first part of an envelope only, with a Content-Length that matches what is sent. */
    record Malformed(byte[] json) implements Reply {
        @Override
        public String errorKey() {
            return "fault.malformed";
        }
    }

    /** No answer: the connection is reset (TCP RST). */
    record Reset() implements Reply {
        @Override
        public String errorKey() {
            return "fault.reset";
        }
    }
}
