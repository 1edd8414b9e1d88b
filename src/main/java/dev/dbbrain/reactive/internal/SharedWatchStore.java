package dev.dbbrain.reactive.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where the replicas of a fleet share their watches: per task, the latest state one of them polled and the slot that
 * lets one replica at a time poll it. The core's fleet source decides what to do with what a store answers; a store
 * only runs each operation as one atomic step on its own clock (Redis: one Lua script, on Redis's {@code TIME}), so
 * every replica judges freshness and leases by the same clock whatever its own says.
 *
 * <p>Values are opaque to a store except for the prefix {@link #MARKER}{@code <polledAt> <observedAt> <kind> },
 * which the shared format defines ({@code SharedFormat.WATCH_STATE}): the microseconds of the store's clock when the
 * slot of the poll was taken (the publication's fence) and when the state was observed, and the kind {@code R}
 * (a state), {@code T} (a terminal state: fresh for as long as the key lives) or {@code N} (not reported). A store
 * never trusts a value: one that does not parse, is larger than its cap or claims a time ahead of the store's clock is
 * {@linkplain Slot#foreign() foreign}, never fresh, and overwritten by the next publication; the fleet source checks
 * the rest (the MAC, the shape, the instance and task) of the values a store hands out.
 *
 * <p>Every method returns a cold {@code Mono} (or {@code Flux}) that does nothing before subscription, may be
 * cancelled, and signals on any thread. Callers bound every call with {@link #timeout()} on their own scheduler.
 * Not part of the API: see the package documentation.
 */
public interface SharedWatchStore {

    /** What every value this library writes begins with: the layout's marker, then a space. */
    String MARKER = "DWS1 ";

    /**
     * The largest value, in bytes, a replica writes or reads: a task's state is a few hundred bytes, a thousand proxies
     * in each of its lists some 150 KB. A larger value is not published (the replicas poll that task themselves) and,
     * read, is foreign.
     */
    int MAX_VALUE_BYTES = 256 * 1024;

    /** What a claim or a peek found for one task. */
    enum Kind {
        /** The state was observed less than its interval ago (or is terminal): {@link Slot#value()} holds it. */
        FRESH,
        /** The slot was free (or broken) and is now this caller's, for the store's lease: poll and publish. */
        MINE,
        /** Another caller holds the slot for {@link Slot#leaseMillis()} more: it polls now. */
        HELD,
        /** Nobody holds the slot and the state is not fresh (a peek takes nothing). */
        STALE
    }

    /**
     * One task's slot.
     *
     * @param kind what was found
     * @param value {@link Kind#FRESH}: the stored value; otherwise empty
     * @param ageMicros {@link Kind#FRESH}: how long ago, on the store's clock, the state was observed
     * @param fenceMicros {@link Kind#MINE}: the store's clock when the slot was taken, to publish with
     * @param leaseMillis {@link Kind#HELD}: how long the holder's lease still runs
     * @param foreign whether the task's state key held a value this library did not write, in a shape it cannot
     *     read, or with a time ahead of the store's clock: ignored, and to be counted
     * @param brokenLock {@link Kind#MINE}: the slot was held by a lock without a lease this library gives (no
     *     expiry, or a longer one): replaced, a poll taken over
     */
    record Slot(Kind kind, String value, long ageMicros, long fenceMicros, long leaseMillis, boolean foreign,
            boolean brokenLock) {
        public Slot {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * One state to publish.
     *
     * @param taskId the task
     * @param value the whole value, {@link #MARKER} first
     * @param onlyIfAbsent whether to write it only when the key holds no value of this layout ({@code N}: a task not
     *     reported never replaces a state seen)
     */
    record Publication(long taskId, String value, boolean onlyIfAbsent) {
        public Publication {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * For each task, in order: its state if fresh, else its slot, taken for this caller if free. A task's
     * {@code maxAgeMicros} is how old a state may be to count as fresh; a negative one takes (or finds held) the slot
     * whatever the state (a value the caller refused).
     *
     * @param account the account's part of the keys (a hash of the SecretId, never the SecretId)
     * @param instanceId the instance the tasks work on
     * @param taskIds the tasks
     * @param maxAgeMicros per task, the age under which a state is fresh, or negative for none
     * @param token this caller's token for the slots it takes: what {@link #renew}, {@link #publish} and
     *     {@link #release} check
     * @return one slot per task: {@link Kind#FRESH}, {@link Kind#MINE} or {@link Kind#HELD}
     */
    Mono<List<Slot>> claim(String account, String instanceId, List<Long> taskIds, long[] maxAgeMicros, String token);

    /**
     * For each task, in order: its state if fresh, else whether some caller holds its slot; takes nothing.
     *
     * @return one slot per task: {@link Kind#FRESH}, {@link Kind#HELD} or {@link Kind#STALE}
     */
    Mono<List<Slot>> peek(String account, String instanceId, List<Long> taskIds, long[] maxAgeMicros);

    /**
     * Writes the states a caller polled (each only if no value of a later poll is stored: fences compare), gives back
     * the slots of {@code taskIds} it still holds under {@code token}, and tells the fleet ({@link #published}) when
     * it wrote any. A value whose observation lies ahead of the store's clock is not written.
     *
     * @param taskIds the tasks whose slots the caller took, published or not
     * @param states the states to write, of some of those tasks
     * @return how many states were written
     */
    Mono<Integer> publish(String account, String instanceId, String token, List<Long> taskIds,
            List<Publication> states);

    /**
     * Extends the lease of the slots still held under {@code token}.
     *
     * @return how many were still held
     */
    Mono<Integer> renew(String account, String instanceId, String token, List<Long> taskIds);

    /** Gives back the slots still held under {@code token}, publishing nothing. */
    Mono<Void> release(String account, String instanceId, String token, List<Long> taskIds);

    /**
     * The instances whose states some replica of the account published, as it happens: a hint, at most once, that
     * may be lost; the keys stay the truth. Hot: what was published before subscription is not replayed. Errors or
     * completes when the store's connection for it ends; subscribe again to resume.
     */
    Flux<String> published(String account);

    /** How long the next call may take before the store counts as unreachable. */
    Duration timeout();

    /** How long a slot taken by {@link #claim} (or renewed) is held unless renewed or released. */
    Duration lease();

    /** Where the store is, for logs: no credentials. */
    String address();
}
