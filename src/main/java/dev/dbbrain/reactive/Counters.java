package dev.dbbrain.reactive;

import java.util.concurrent.atomic.LongAdder;

/** What a client has sent and suffered, counted without contention. */
final class Counters {
    final LongAdder requests = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder throttled = new LongAdder();
    final LongAdder clockCorrections = new LongAdder();
}
