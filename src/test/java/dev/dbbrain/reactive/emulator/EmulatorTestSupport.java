package dev.dbbrain.reactive.emulator;

import dev.dbbrain.reactive.testing.MutableClock;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;

/** Starts one emulator per test on a hand-driven clock, with the test credentials, and stops it afterwards. */
abstract class EmulatorTestSupport {

    /** 10:00:00 in UTC+8, the service's zone. */
    static final String T0 = "2025-03-01T02:00:00Z";

    final MutableClock clock = MutableClock.at(T0);
    DbbrainEmulator emulator;
    SignedCalls calls;

    SignedCalls start() {
        return start(builder -> builder);
    }

    SignedCalls start(UnaryOperator<DbbrainEmulator.Builder> configuration) {
        emulator = configuration.apply(DbbrainEmulator.builder()
                .credentials(SignedCalls.SECRET_ID, SignedCalls.SECRET_KEY)
                .clock(clock)).start();
        calls = new SignedCalls(emulator, clock);
        return calls;
    }

    @AfterEach
    void stopEmulator() {
        if (calls != null) {
            calls.close();
        }
        if (emulator != null) {
            emulator.stop();
        }
    }
}
