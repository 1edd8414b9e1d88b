package dev.dbbrain.dashboard;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the task event streams open at once, all clients together and per client address: each stream holds a
 * connection and a watch, and without a cap one client could open hundreds and delay everybody's kills behind
 * their polls. A stream over a cap is refused at once ({@link TooManyStreams}, 429) instead of queueing.
 */
final class StreamLimits {

    private final int maxConcurrent;
    private final int maxPerClient;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perClient = new ConcurrentHashMap<>();

    StreamLimits(DashboardProperties.Streams settings) {
        this.maxConcurrent = settings.maxConcurrent();
        this.maxPerClient = settings.maxPerClient();
    }

    /**
     * Takes a place for one stream of {@code client}; release it when the stream ends.
     *
     * @throws TooManyStreams when a cap is reached
     */
    Runnable acquire(String client) {
        if (open.incrementAndGet() > maxConcurrent) {
            open.decrementAndGet();
            throw new TooManyStreams("dashboard.streams.max-concurrent", maxConcurrent, "event streams are open");
        }
        AtomicInteger mine = perClient.compute(client, (k, v) -> {
            AtomicInteger count = v == null ? new AtomicInteger() : v;
            count.incrementAndGet();
            return count;
        });
        if (mine.get() > maxPerClient) {
            release(client);
            throw new TooManyStreams("dashboard.streams.max-per-client", maxPerClient,
                    "event streams of this client are open");
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                release(client);
            }
        };
    }

    private void release(String client) {
        perClient.computeIfPresent(client, (k, v) -> v.decrementAndGet() == 0 ? null : v);
        open.decrementAndGet();
    }

    int open() {
        return open.get();
    }

    /** A stream refused because a cap is reached. */
    static final class TooManyStreams extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String setting;

        TooManyStreams(String setting, int limit, String what) {
            super(limit + " " + what + " (" + setting + "); close some, or wait for their tasks to end", null, false,
                    false);
            this.setting = setting;
        }

        String setting() {
            return setting;
        }
    }
}
