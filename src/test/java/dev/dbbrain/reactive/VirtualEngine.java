package dev.dbbrain.reactive;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Watch engines on one virtual clock, without HTTP: the engine-level counterpart of {@link VirtualWorld}, for tests
 * that drive an engine with a scripted source of states. Closing it closes every engine it made and the clock.
 */
final class VirtualEngine implements AutoCloseable {

    final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    final WatchEngineTest.CountingListener listener = new WatchEngineTest.CountingListener();
    private final List<WatchEngine> engines = new ArrayList<>();

    /** An engine whose states come from {@code source}. */
    WatchEngine engine(TaskStateSource source, int maxBatch, int maxWatches) {
        WatchEngine engine = new WatchEngine(source, maxBatch, maxWatches, () -> time, listener);
        engines.add(engine);
        return engine;
    }

    /** An engine whose states come from a Describe function, as the client's do. */
    WatchEngine engine(BiFunction<String, List<Long>, Mono<List<TaskInfo>>> describe, int maxBatch,
            int maxWatches) {
        return engine(new DescribeSource(describe), maxBatch, maxWatches);
    }

    /** Watch options on the virtual clock: 1 s interval, no jitter. */
    WatchOptions options() {
        return WatchOptions.defaults().scheduler(time).jitter(0);
    }

    static TaskInfo task(String instanceId, long id, TaskStatus status, long progress) {
        return new TaskInfo(id, instanceId, status.wireValue(), progress, List.of("proxy-1"), 1, List.of(), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Override
    public void close() {
        engines.forEach(WatchEngine::close);
        time.dispose();
    }
}
