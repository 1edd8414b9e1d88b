package dev.dbbrain.reactive;

import dev.dbbrain.reactive.internal.SharedWatchStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The shared store's rules on a virtual clock, for unit tests of the fleet source: the same decisions as
 * {@code RedisWatchStore}'s scripts (which {@code RedisWatchStoreIT} checks against a real redis-server), with the
 * test's scheduler as the store's clock. A test can make it fail, hang, or lose notifications, per replica: each
 * {@link #view} is one replica's connection to it.
 */
final class VirtualSharedStore {

    static final long SKEW_MICROS = 1_000_000L;
    static final Duration MAX_LEASE = Duration.ofSeconds(60);

    private record Entry(String value, long expiresAt) {
    }

    private final VirtualTimeScheduler time;
    private final Duration lease;
    private final Duration retention;
    private final Map<String, Entry> states = new HashMap<>();
    private final Map<String, Entry> slots = new HashMap<>();
    private final Map<String, Sinks.Many<String>> channels = new HashMap<>();
    final AtomicInteger calls = new AtomicInteger();

    VirtualSharedStore(VirtualTimeScheduler time, Duration lease) {
        this.time = time;
        this.lease = lease;
        this.retention = Duration.ofMinutes(10);
    }

    private long nowMicros() {
        return time.now(TimeUnit.MICROSECONDS);
    }

    static String stateKey(String account, String instanceId, long taskId) {
        return account + ":state:" + instanceId + ":" + taskId;
    }

    static String slotKey(String account, String instanceId, long taskId) {
        return account + ":slot:" + instanceId + ":" + taskId;
    }

    /** Writes a value by hand, as something else might, for the retention. */
    synchronized void put(String key, String value) {
        states.put(key, new Entry(value, nowMicros() + retention.toNanos() / 1000));
    }

    synchronized String get(String key) {
        Entry e = live(states, key);
        return e == null ? null : e.value();
    }

    synchronized String slot(String key) {
        Entry e = live(slots, key);
        return e == null ? null : e.value();
    }

    synchronized void putSlot(String key, String token, Duration ttl) {
        slots.put(key, new Entry(token, ttl == null ? Long.MAX_VALUE : nowMicros() + ttl.toNanos() / 1000));
    }

    private Entry live(Map<String, Entry> map, String key) {
        Entry e = map.get(key);
        if (e != null && e.expiresAt() <= nowMicros()) {
            map.remove(key);
            return null;
        }
        return e;
    }

    /** One replica's connection: what it asks can be made to fail, hang or lose notifications. */
    View view() {
        return new View();
    }

    /** How a view answers. */
    enum Mode {
        /** Answers. */
        UP,
        /** Every call fails at once, as against a stopped server. */
        DOWN,
        /** Every call hangs, as against a server that stopped answering. */
        STUCK
    }

    final class View implements SharedWatchStore {
        volatile Mode mode = Mode.UP;
        volatile boolean hints = true;
        /** Calls a test wants to go no further than the claim: renewals and publications hang (a holder that died). */
        volatile boolean diedAfterClaim;

        private <T> Mono<T> call(java.util.function.Supplier<T> op) {
            return Mono.defer(() -> {
                calls.incrementAndGet();
                return switch (mode) {
                    case DOWN -> Mono.error(new IllegalStateException("connection refused"));
                    case STUCK -> Mono.never();
                    case UP -> Mono.fromSupplier(op);
                };
            });
        }

        @Override
        public Mono<List<Slot>> claim(String account, String instanceId, List<Long> taskIds, long[] maxAgeMicros,
                String token) {
            return call(() -> slots(true, account, instanceId, taskIds, maxAgeMicros, token));
        }

        @Override
        public Mono<List<Slot>> peek(String account, String instanceId, List<Long> taskIds, long[] maxAgeMicros) {
            return diedAfterClaim ? Mono.never()
                    : call(() -> slots(false, account, instanceId, taskIds, maxAgeMicros, ""));
        }

        @Override
        public Mono<Integer> publish(String account, String instanceId, String token, List<Long> taskIds,
                List<Publication> states) {
            return diedAfterClaim ? Mono.never() : call(() -> {
                int written = VirtualSharedStore.this.publish(account, instanceId, token, taskIds, states);
                if (written > 0) {
                    Sinks.Many<String> sink;
                    synchronized (VirtualSharedStore.this) {
                        sink = channels.get(account);
                    }
                    if (sink != null) {
                        sink.tryEmitNext(instanceId);
                    }
                }
                return written;
            });
        }

        @Override
        public Mono<Integer> renew(String account, String instanceId, String token, List<Long> taskIds) {
            return diedAfterClaim ? Mono.never() : call(() -> VirtualSharedStore.this.lease(account, instanceId, token, taskIds, true));
        }

        @Override
        public Mono<Void> release(String account, String instanceId, String token, List<Long> taskIds) {
            return diedAfterClaim ? Mono.never()
                    : call(() -> VirtualSharedStore.this.lease(account, instanceId, token, taskIds, false)).then();
        }

        @Override
        public Flux<String> published(String account) {
            Sinks.Many<String> sink;
            synchronized (VirtualSharedStore.this) {
                sink = channels.computeIfAbsent(account, a -> Sinks.many().multicast().directBestEffort());
            }
            return sink.asFlux().filter(m -> hints);
        }

        @Override
        public Duration timeout() {
            return Duration.ofSeconds(1);
        }

        @Override
        public Duration lease() {
            return lease;
        }

        @Override
        public String address() {
            return "virtual";
        }
    }

    private synchronized List<SharedWatchStore.Slot> slots(boolean claim, String account, String instanceId,
            List<Long> taskIds, long[] maxAgeMicros, String token) {
        long now = nowMicros();
        List<SharedWatchStore.Slot> out = new ArrayList<>();
        for (int i = 0; i < taskIds.size(); i++) {
            String stateKey = stateKey(account, instanceId, taskIds.get(i));
            String slotKey = slotKey(account, instanceId, taskIds.get(i));
            Entry state = live(states, stateKey);
            boolean foreign = false;
            Long age = null;
            if (state != null) {
                long[] po = parse(state.value());
                if (po == null || state.value().length() > SharedWatchStore.MAX_VALUE_BYTES
                        || po[0] > now + SKEW_MICROS || po[1] > now + SKEW_MICROS) {
                    foreign = true;
                } else if (maxAgeMicros[i] >= 0 && (po[2] == 'T' || now - po[1] < maxAgeMicros[i])) {
                    age = Math.max(0, now - po[1]);
                }
            }
            if (age != null) {
                out.add(new SharedWatchStore.Slot(SharedWatchStore.Kind.FRESH, state.value(), age, 0, 0, foreign,
                        false));
                continue;
            }
            Entry slot = live(slots, slotKey);
            long left = slot == null ? -2 : slot.expiresAt() == Long.MAX_VALUE ? -1 : (slot.expiresAt() - now) / 1000;
            boolean valid = left > 0 && left <= MAX_LEASE.toMillis();
            if (!claim) {
                out.add(new SharedWatchStore.Slot(valid ? SharedWatchStore.Kind.HELD : SharedWatchStore.Kind.STALE,
                        "", 0, 0, valid ? left : 0, foreign, false));
            } else if (left == -2 || !valid) {
                slots.put(slotKey, new Entry(token, now + lease.toNanos() / 1000));
                out.add(new SharedWatchStore.Slot(SharedWatchStore.Kind.MINE, "", 0, now, 0, foreign, left != -2));
            } else {
                out.add(new SharedWatchStore.Slot(SharedWatchStore.Kind.HELD, "", 0, 0, left, foreign, false));
            }
        }
        return out;
    }

    private synchronized int publish(String account, String instanceId, String token, List<Long> taskIds,
            List<SharedWatchStore.Publication> publications) {
        long now = nowMicros();
        int written = 0;
        for (long taskId : taskIds) {
            String stateKey = stateKey(account, instanceId, taskId);
            for (SharedWatchStore.Publication p : publications) {
                if (p.taskId() != taskId) {
                    continue;
                }
                long[] po = parse(p.value());
                boolean write = po != null && po[1] <= now + SKEW_MICROS;
                Entry current = live(states, stateKey);
                long[] cp = current == null ? null : parse(current.value());
                if (write && cp != null && cp[0] <= now + SKEW_MICROS) {
                    if (cp[0] > po[0] || (p.onlyIfAbsent() && cp[2] != 'N')) {
                        write = false;
                    }
                }
                if (write) {
                    states.put(stateKey, new Entry(p.value(), now + retention.toNanos() / 1000));
                    written++;
                }
            }
            String slotKey = slotKey(account, instanceId, taskId);
            Entry slot = live(slots, slotKey);
            if (slot != null && slot.value().equals(token)) {
                slots.remove(slotKey);
            }
        }
        return written;
    }

    private synchronized int lease(String account, String instanceId, String token, List<Long> taskIds,
            boolean renew) {
        int held = 0;
        for (long taskId : taskIds) {
            String slotKey = slotKey(account, instanceId, taskId);
            Entry slot = live(slots, slotKey);
            if (slot != null && slot.value().equals(token)) {
                held++;
                if (renew) {
                    slots.put(slotKey, new Entry(token, nowMicros() + lease.toNanos() / 1000));
                } else {
                    slots.remove(slotKey);
                }
            }
        }
        return held;
    }

    /** {polledAt, observedAt, kind} of a value of the layout, or null. */
    private static long[] parse(String value) {
        if (!value.startsWith(SharedWatchStore.MARKER)) {
            return null;
        }
        String[] parts = value.substring(SharedWatchStore.MARKER.length()).split(" ", 4);
        if (parts.length < 4 || parts[2].length() != 1 || "RTN".indexOf(parts[2].charAt(0)) < 0) {
            return null;
        }
        try {
            long p = Long.parseLong(parts[0]);
            long o = Long.parseLong(parts[1]);
            return p < 0 || o < 0 ? null : new long[] {p, o, parts[2].charAt(0)};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
