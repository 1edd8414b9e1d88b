package dev.dbbrain.reactive.emulator;

import java.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import reactor.core.scheduler.Scheduler;

/** The validated, immutable configuration of one emulator, snapshotted from its builder at {@code start()}. */
record EmulatorSettings(
        String host,
        int port,
        Map<String, Credential> credentials,
        Clock clock,
        Scheduler scheduler,
        int proxies,
        Duration stepDuration,
        double proxyFailureProbability,
        int rateLimit,
        int maxAsyncRequestIds,
        boolean legacyTimeFormat,
        long seed,
        Duration latency,
        FaultRates faults,
        int warmUpRequests,
        boolean strictHostMatching,
        boolean tls,
        Path tlsCertificateFile,
        List<String> tlsHostNames,
        boolean strictScripting,
        int maxRecordedRequests) {

    EmulatorSettings {
        credentials = Map.copyOf(credentials);
        tlsHostNames = List.copyOf(tlsHostNames);
    }
}
