package dev.dbbrain.reactive.emulator;

import java.util.Map;

/**
 * What the emulator answers to one API request: an envelope, one of the injected transport faults, or a scripted
 * answer. Each kind knows the key it is counted under in {@code errors} of the stats (null for a successful
 * envelope).
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
    record Reset(String errorKey) implements Reply {
        static final Reset FAULT = new Reset("fault.reset");
        static final Reset SCRIPTED = new Reset("scripted.reset");
    }

    /** A scripted close: the connection is closed (TCP FIN) without an answer. */
    record Close() implements Reply {
        @Override
        public String errorKey() {
            return "scripted.disconnect";
        }
    }

    /** A scripted HTTP status with the emulator's usual headers; {@code contentType} null for an empty body. */
    record Status(int status, String contentType, byte[] body) implements Reply {
        @Override
        public String errorKey() {
            return "scripted.http" + status;
        }
    }

    /** A scripted answer sent exactly as given: status, headers, body; nothing added. */
    record Raw(int status, Map<String, String> headers, byte[] body) implements Reply {
        @Override
        public String errorKey() {
            return "scripted.raw";
        }
    }

    /** A scripted silence: the request was read and nothing is ever sent. */
    record Silence() implements Reply {
        @Override
        public String errorKey() {
            return "scripted.noAnswer";
        }
    }
}
