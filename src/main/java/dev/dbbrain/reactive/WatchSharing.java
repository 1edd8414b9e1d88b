package dev.dbbrain.reactive;

import dev.dbbrain.reactive.internal.SharedWatchStore;
import dev.dbbrain.reactive.internal.SharedWatches;

/**
 * How the replicas of a service share their watches through a store they all reach (Redis): a task watched on several
 * replicas costs the account what it costs on one. Made by
 * {@code dev.dbbrain.reactive.ratelimit.redis.RedisWatchSharing}, given to
 * {@link DbbrainClient.Builder#watchSharing(WatchSharing)}; one sharing may serve several clients.
 *
 * <pre>{@code
 * DbbrainClient client = DbbrainClient.builder()
 *         .rateLimiter(RedisRateLimiter.builder("redis://redis.internal:6379").build())
 *         .watchSharing(RedisWatchSharing.builder("redis://redis.internal:6379").build())
 *         .build();
 * }</pre>
 *
 * <p>What it guarantees, per task watched anywhere in the fleet:
 * <ul>
 * <li>At most one DescribeProxySessionKillTasks per poll interval across the fleet: a replica whose task is due
 * answers from the state another replica published less than an interval ago, or takes the task's poll slot (a short
 * lease, renewed while its request waits for a permit) and polls; the tasks of one instance it wins go out in one
 * request, as on one replica. A lease lost in a pause (a long GC) costs at most one extra request.
 * <li>Every replica gets each state when it is published: a replica whose task is held by another waits in its round
 * for the publication (a notification is only a hint; the state key is the truth), so a subscriber anywhere sees a
 * change within its interval, and a subscriber arriving on any replica gets the latest state without a request while
 * it is fresh. The watch's own rules (demand, deadline, not-found grace, {@code failedAsError}) are unchanged.
 * <li>A state read from the store is checked as an answer of the service is (format, size, instance and task, and a
 * MAC), and never emitted when it fails, goes back from a state seen, or was written by something else: it is
 * ignored, counted ({@link ClientStats#sharedStatesRejected()}), and the task polled.
 * <li>A replica that dies while holding a task's slot delays that task by at most the lease plus one interval: the
 * slot expires and the next replica due polls it.
 * <li>When the store is down or slower than its command timeout, every replica polls on its own, as without
 * sharing, with one warning per outage; sharing resumes by itself when the store answers again. No watch fails
 * because of the store.
 * </ul>
 *
 * <p>Immutable and thread-safe. The store's connections belong to what made it (see {@code RedisWatchSharing}).
 */
public final class WatchSharing {

    static {
        SharedWatches.install(WatchSharing::new);
    }

    private final SharedWatchStore store;
    private final SharingHealth health;

    private WatchSharing(SharedWatchStore store) {
        this.store = store;
        this.health = new SharingHealth(store.address());
    }

    SharedWatchStore store() {
        return store;
    }

    SharingHealth health() {
        return health;
    }

    /** Shows where the store is and its lease; never credentials. */
    @Override
    public String toString() {
        return "WatchSharing[" + store.address() + ", lease=" + store.lease() + ", timeout=" + store.timeout() + "]";
    }
}
