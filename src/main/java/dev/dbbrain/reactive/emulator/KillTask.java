package dev.dbbrain.reactive.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One session-kill task, whose state at any instant is a pure function of the clock: no timer ever runs.
 *
 * <p>With creation time t0, step d and work proxies 1..n: {@code created} during [t0, t0+d), {@code chosen}
 * during [t0+d, t0+2d), then {@code running} with proxy i completing at t0+(2+i)d; once all n are complete the task
 * is {@code failed} if any of them failed, else {@code finished}. Which proxies fail is decided at creation.
 *
 * @param asyncRequestId the task ID
 * @param instanceId the instance the task belongs to
 * @param createdAtMillis t0, in clock millis
 * @param stepMillis d, in millis (0 makes a task terminal as soon as it exists)
 * @param instanceProxies all proxies of the instance, for {@code InstProxyList}
 * @param workProxies the proxies the task works on, in order
 * @param failingProxies the work proxies on which the kill fails
 */
record KillTask(long asyncRequestId, String instanceId, long createdAtMillis, long stepMillis,
        List<String> instanceProxies, List<String> workProxies, Set<String> failingProxies) {

    KillTask {
        instanceProxies = List.copyOf(instanceProxies);
        workProxies = List.copyOf(workProxies);
        failingProxies = Set.copyOf(failingProxies);
    }

    /** The task as it is at clock millis {@code now}. */
    Snapshot at(long now) {
        long elapsed = now - createdAtMillis;
        int n = workProxies.size();
        if (elapsed < 0 || elapsed < stepMillis) {
            return snapshot(TaskPhase.CREATED, 0);
        }
        if (elapsed < 2 * stepMillis) {
            return snapshot(TaskPhase.CHOSEN, 0);
        }
        int completed = stepMillis == 0 ? n : (int) Math.min(n, elapsed / stepMillis - 2);
        if (completed < n) {
            return snapshot(TaskPhase.RUNNING, completed);
        }
        return snapshot(failingProxies.isEmpty() ? TaskPhase.FINISHED : TaskPhase.FAILED, n);
    }

    private Snapshot snapshot(TaskPhase status, int completed) {
        List<String> finished = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String proxy : workProxies.subList(0, completed)) {
            (failingProxies.contains(proxy) ? failed : finished).add(proxy);
        }
        boolean started = status.compareTo(TaskPhase.RUNNING) >= 0;
        return new Snapshot(this, status, completed * 100 / workProxies.size(), finished, failed,
                started ? createdAtMillis + 2 * stepMillis : -1,
                status.terminal() ? createdAtMillis + (2L + workProxies.size()) * stepMillis : -1);
    }

    /**
     * The state of a task at one instant.
     *
     * @param task the task
     * @param status its status
     * @param progress completed work proxies x 100 / work proxies
     * @param finishedProxies the completed work proxies where the kill succeeded
     * @param failedProxies the completed work proxies where the kill failed
     * @param startMillis when it started running, or -1 before that
     * @param endMillis when it became terminal, or -1 before that
     */
    record Snapshot(KillTask task, TaskPhase status, int progress, List<String> finishedProxies,
            List<String> failedProxies, long startMillis, long endMillis) {

        Snapshot {
            finishedProxies = List.copyOf(finishedProxies);
            failedProxies = List.copyOf(failedProxies);
        }
    }
}
