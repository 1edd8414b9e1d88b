package dev.dbbrain.reactive;

import java.util.concurrent.TimeUnit;

/**
 * Whether the store of a {@link WatchSharing} answers, for every client that uses it: an outage starts at the first
 * call that fails or times out, and ends at the first that answers. During one, rounds poll on their own without
 * asking the store, but one round per {@link #PROBE_NANOS} tries it again. One warning when an outage starts, one
 * line when it ends, whatever the number of rounds in between.
 */
final class SharingHealth {

    private static final System.Logger LOG = System.getLogger(WatchSharing.class.getName());
    /** How often, during an outage, a round tries the store again. */
    static final long PROBE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String address;
    private boolean outage;
    private long startedAt;
    private long nextProbeAt;

    SharingHealth(String address) {
        this.address = address;
    }

    /** Whether a round at {@code now} (nanoseconds) should ask the store: always, except between probes of an outage. */
    synchronized boolean shouldAsk(long now) {
        if (!outage) {
            return true;
        }
        if (now - nextProbeAt >= 0) {
            nextProbeAt = now + PROBE_NANOS;
            return true;
        }
        return false;
    }

    /** The store answered a call. */
    void answered(long now) {
        long lasted;
        synchronized (this) {
            if (!outage) {
                return;
            }
            outage = false;
            lasted = now - startedAt;
        }
        LOG.log(System.Logger.Level.INFO, "Shared watches: Redis at {0} answers again after {1} ms; replicas share "
                + "their polls again", address, TimeUnit.NANOSECONDS.toMillis(lasted));
    }

    /** A call failed or timed out. */
    void failed(Throwable error, long now) {
        synchronized (this) {
            if (outage) {
                return;
            }
            outage = true;
            startedAt = now;
            nextProbeAt = now + PROBE_NANOS;
        }
        LOG.log(System.Logger.Level.WARNING, "Shared watches: Redis at {0} gave no usable answer ({1}); until it does, "
                + "this replica polls its watched tasks on its own", address, describe(error));
    }

    synchronized boolean inOutage() {
        return outage;
    }

    private static String describe(Throwable error) {
        if (error instanceof java.util.concurrent.TimeoutException) {
            return "no answer in time";
        }
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? ""
                : ": " + (message.length() > 200 ? message.substring(0, 200) + "…" : message));
    }
}
