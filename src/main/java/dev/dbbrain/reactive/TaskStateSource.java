package dev.dbbrain.reactive;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Where the watch engine gets the states of the tasks it watches: asked once per round, for the due tasks of one
 * instance. Two sources exist: {@link DescribeSource}, one batched DescribeProxySessionKillTasks request per round
 * through the client (so through its rate limiter and retries); and, with watch sharing, {@link FleetSource}, which
 * answers a round from the state other replicas published in Redis, polls (under a short poll slot) only the tasks
 * whose state is stale, publishes what it polled, and falls back to its {@code DescribeSource} when Redis is slow or
 * down.
 *
 * <p><b>What the engine asks.</b> The engine decides when a task is due (demand, intervals, batching per instance,
 * one round per instance in flight) and calls {@link #poll(Round)} with up to {@code maxBatch} task IDs of one
 * instance, at most once at a time per (instance, scheduler). It subscribes outside its locks, and cancels the round
 * when no task of it is watched any more or the client closes. It applies {@link WatchPolicy} to every
 * {@link WatchPolicy.Outcome} the {@link Answer} gives, whatever the source: the regression filter, the not-found
 * grace, skipped rounds and failed polls mean the same for a state read from Redis as for one polled here, so a source
 * never filters, orders or retries states itself.
 *
 * <p><b>What a source guarantees.</b> The returned {@code Mono} is cold (nothing happens before subscription) and
 * signals once: an {@link Answer} with an outcome for each task of the round, or an error, which the engine takes as
 * the outcome of every task of the round ({@link WatchPolicy.Outcome#ofError}: so an error that means nothing was
 * sent must be a {@link DbbrainCapacityException}, which skips the round). It never completes empty. Cancelling it
 * stops whatever it does for the round (a Describe not yet sent is never sent). A task a source cannot say anything
 * about this round (another replica polls it, its state is not published yet) is {@link WatchPolicy.Outcome#SKIPPED}:
 * polled again after its interval, its watch untouched. An outcome carries only states of the round's instance and
 * tasks. A source spends the account's budget at most once per round (one Describe of the tasks it polls itself).
 *
 * <p><b>For the fleet source.</b> A round may take its time: a task another replica holds the poll lock for can wait
 * in the round for that replica's published state (a notification is only a hint: read the key when it comes, and
 * when the lock's lease runs out), bounded by the lease, then be {@code SKIPPED} if nothing came. The engine keeps one
 * round per instance in flight, so tasks falling due meanwhile join the next round, and each watch's deadline runs
 * on its own timer whatever the source does. A round counts in {@code ClientStats.pollsInFlight} from subscription
 * to its handled answer even when it sends no Describe; the fleet's own figures (polls sent, states received, locks
 * taken over) belong in its listener events, not in that count. Falling back to a {@code DescribeSource} when Redis
 * is slow or down happens inside the source, round by round, so the engine never sees Redis fail.
 *
 * <p><b>Threading.</b> {@link #poll} is called on the engine's scheduler or on the thread of a subscriber's
 * {@code request}, never with an engine lock held, and must not block. The answer may be signalled on any thread
 * (Netty's, Redis client's, a scheduler's). Timers a source needs (a lock's lease, a wait for a published state) run
 * on {@link Round#scheduler()}, the watches' scheduler, so virtual time drives them in tests.
 */
@FunctionalInterface
interface TaskStateSource {

    /**
     * One round: the states of some watched tasks of one instance.
     *
     * @param round the instance, its due tasks and the watches' scheduler
     * @return the round's answer, cold
     */
    Mono<Answer> poll(Round round);

    /**
     * The tasks of one instance due in one round.
     *
     * @param instanceId the instance
     * @param taskIds the tasks, distinct, at most the client's {@code maxBatch}
     * @param scheduler the scheduler of these watches' timers and clock
     * @param known what the watches know of each task, by ID; a task absent from it is {@link Known#NOTHING}
     */
    record Round(String instanceId, List<Long> taskIds, Scheduler scheduler, Map<Long, Known> known) {
        public Round {
            Objects.requireNonNull(instanceId, "instanceId");
            taskIds = List.copyOf(taskIds);
            Objects.requireNonNull(scheduler, "scheduler");
            known = Map.copyOf(known);
        }

        /** A round of tasks nothing is known of. */
        Round(String instanceId, List<Long> taskIds, Scheduler scheduler) {
            this(instanceId, taskIds, scheduler, Map.of());
        }

        /** What the watches know of a task of the round. */
        Known known(long taskId) {
            return known.getOrDefault(taskId, Known.NOTHING);
        }
    }

    /**
     * What the watches of one due task already know.
     *
     * @param intervalMillis the task's poll interval now (its most eager watch's, grown as its options say, without
     *     jitter): a state observed less than this long ago is as new as a poll of these watches would give, so a
     *     source may answer with it instead of polling; 0 for none
     * @param latest the latest state the engine took for the task, {@code null} if it was never seen: a state that
     *     goes back from it (the policy's regression) is nothing new
     */
    record Known(long intervalMillis, TaskInfo latest) {
        /** Nothing known: no interval, never seen. */
        static final Known NOTHING = new Known(0, null);
    }

    /** What one round learnt, task by task. */
    @FunctionalInterface
    interface Answer {

        /**
         * What the round learnt about one of its tasks.
         *
         * @param taskId a task of the round
         * @return its outcome, never {@code null}
         */
        WatchPolicy.Outcome outcome(long taskId);

        /**
         * How long before this round the reported state of a task was observed: 0 for a state polled in this round
         * (the default), more for a state another replica polled earlier. The engine schedules the task's next
         * round from the moment the state was observed, not from now, and never before that state is older than
         * the task's interval: so replicas sharing a task come back when the fleet's next poll is due, and get its
         * state when it is published, instead of a whole interval behind it.
         *
         * @param taskId a task of the round
         * @return the age of its reported state in milliseconds, at least 0
         */
        default long ageMillis(long taskId) {
            return 0;
        }

        /** The same outcome for every task of the round: what an error of the round means for each. */
        static Answer failed(Throwable error) {
            WatchPolicy.Outcome outcome = WatchPolicy.Outcome.ofError(error);
            return taskId -> outcome;
        }
    }
}
