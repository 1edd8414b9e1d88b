package dev.dbbrain.reactive;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import reactor.netty.http.client.PrematureCloseException;

/** Turns what the network layer throws into this library's exceptions, keeping the original as the cause. */
final class Failures {

    private Failures() {
    }

    /** Whether the throwable comes from the network stack (and so must not reach the caller raw). */
    static boolean isTransport(Throwable t) {
        if (t instanceof DbbrainException || t instanceof Error) {
            return false;
        }
        String name = t.getClass().getName();
        return t instanceof IOException || t instanceof TimeoutException
                || name.startsWith("io.netty.") || name.startsWith("reactor.netty.");
    }

    static DbbrainTransportException transport(String action, Throwable t, Duration responseTimeout) {
        String what;
        if (t instanceof ReadTimeoutException) {
            what = "no response within the response timeout of " + responseTimeout;
        } else if (t instanceof ConnectTimeoutException) {
            what = "connect timed out: " + t.getMessage();
        } else if (t instanceof ConnectException) {
            what = "connection refused: " + t.getMessage();
        } else if (t instanceof PrematureCloseException) {
            what = "connection closed before the response was complete";
        } else {
            what = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
        return new DbbrainTransportException(action, what, t);
    }
}
