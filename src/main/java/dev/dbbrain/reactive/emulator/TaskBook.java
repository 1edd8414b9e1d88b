package dev.dbbrain.reactive.emulator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * All tasks the emulator created, keyed by {@code AsyncRequestId} (handed out in increasing order). Thread-safe.
 * Tasks are kept for the life of the emulator, like the service keeps them for later queries.
 */
final class TaskBook {

    /** The first ID handed out; the value of the documented example response. */
    static final long FIRST_ID = 14_672_492L;

    private final ConcurrentNavigableMap<Long, KillTask> tasks = new ConcurrentSkipListMap<>();
    private final AtomicLong nextId = new AtomicLong(FIRST_ID);
    private final Random random;
    private final double failureProbability;
    private final long stepMillis;

    TaskBook(Random random, double failureProbability, long stepMillis) {
        this.random = random;
        this.failureProbability = failureProbability;
        this.stepMillis = stepMillis;
    }

    /**
     * Creates a task at clock millis {@code now} on all proxies of the instance, or on {@code proxyId} only when it
     * is not null; the proxies that will fail are rolled now with the seeded random.
     */
    KillTask create(String instanceId, List<String> instanceProxies, String proxyId, long now) {
        List<String> work = proxyId == null ? instanceProxies : List.of(proxyId);
        Set<String> failing = new HashSet<>();
        for (String proxy : work) {
            if (failureProbability > 0 && random.nextDouble() < failureProbability) {
                failing.add(proxy);
            }
        }
        KillTask task = new KillTask(nextId.getAndIncrement(), instanceId, now, stepMillis, instanceProxies, work,
                failing);
        tasks.put(task.asyncRequestId(), task);
        return task;
    }

    /** The tasks of {@code instanceId} among {@code ids}, in the order asked, each once; other IDs are skipped. */
    List<KillTask> find(String instanceId, List<Long> ids) {
        List<KillTask> found = new ArrayList<>();
        for (Long id : new LinkedHashSet<>(ids)) {
            KillTask task = tasks.get(id);
            if (task != null && task.instanceId().equals(instanceId)) {
                found.add(task);
            }
        }
        return found;
    }

    /** The task with this ID if it belongs to {@code instanceId}, or null. */
    KillTask find(String instanceId, long id) {
        KillTask task = tasks.get(id);
        return task != null && task.instanceId().equals(instanceId) ? task : null;
    }

    long created() {
        return tasks.size();
    }

    /** Every task in ID order. */
    List<KillTask> all() {
        return List.copyOf(tasks.values());
    }
}
