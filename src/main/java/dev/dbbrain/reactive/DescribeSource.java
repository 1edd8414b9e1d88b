package dev.dbbrain.reactive;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;

/**
 * The local source of states: one DescribeProxySessionKillTasks request per round, for all the round's tasks, through
 * the client (its rate limiter and retries). A task absent from the answer is {@link WatchPolicy.Outcome#NOT_REPORTED};
 * an error of the request is left to the engine, which reads it with {@link WatchPolicy.Outcome#ofError}.
 */
final class DescribeSource implements TaskStateSource {

    private final BiFunction<String, List<Long>, Mono<List<TaskInfo>>> describe;

    /**
     * @param describe the Describe call: the tasks the service reports among the IDs of an instance
     */
    DescribeSource(BiFunction<String, List<Long>, Mono<List<TaskInfo>>> describe) {
        this.describe = describe;
    }

    @Override
    public Mono<Answer> poll(Round round) {
        return describe.apply(round.instanceId(), round.taskIds()).map(DescribeSource::answer);
    }

    /** The outcome of each task of a round from the states the service reported. */
    static Answer answer(List<TaskInfo> reported) {
        if (reported.isEmpty()) {
            return taskId -> WatchPolicy.Outcome.NOT_REPORTED;
        }
        Map<Long, WatchPolicy.Outcome> byId = new HashMap<>(reported.size() * 2);
        for (TaskInfo task : reported) {
            byId.put(task.asyncRequestId(), new WatchPolicy.Reported(task));
        }
        return taskId -> byId.getOrDefault(taskId, WatchPolicy.Outcome.NOT_REPORTED);
    }
}
