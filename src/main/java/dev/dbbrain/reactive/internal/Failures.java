package dev.dbbrain.reactive.internal;

import dev.dbbrain.reactive.DbbrainException;
import dev.dbbrain.reactive.DbbrainTransportException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import reactor.netty.http.client.PrematureCloseException;

/** Turns what the network layer throws into this library's exceptions, keeping the original as the cause. */
public final class Failures {

    private Failures() {
    }

    /** Whether the throwable comes from the network stack (and so must not reach the caller raw). */
    public static boolean isTransport(Throwable t) {
        if (t instanceof DbbrainException || t instanceof Error) {
            return false;
        }
        String name = t.getClass().getName();
        return t instanceof IOException || t instanceof TimeoutException
                || name.startsWith("io.netty.") || name.startsWith("reactor.netty.");
    }

    public static DbbrainTransportException transport(String action, Throwable t, Duration responseTimeout) {
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
        return new DbbrainTransportException(action, what, !certainlyUnsent(t), t);
    }

    /**
     * Whether the failure happened before any connection carried the request: refused, connect timeout, name not
     * resolved, TLS handshake failed, or no pooled connection became free. Only these make a Create safe to resend.
     */
    public static boolean certainlyUnsent(Throwable t) {
        return t instanceof ConnectException || t instanceof ConnectTimeoutException
                || t instanceof UnknownHostException || t instanceof SSLHandshakeException
                || t.getClass().getSimpleName().equals("PoolAcquireTimeoutException");
    }
}
