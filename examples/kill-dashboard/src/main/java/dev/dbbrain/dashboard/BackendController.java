package dev.dbbrain.dashboard;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Tells the page what it talks to, so nobody mistakes the emulator for production or the other way round. */
@RestController
class BackendController {

    private final Backend backend;

    BackendController(ObjectProvider<EmulatorConfiguration.EmbeddedEmulator> emulator) {
        this.backend = new Backend(emulator.getIfAvailable() != null);
    }

    @GetMapping("/api/backend")
    Backend backend() {
        return backend;
    }

    /**
     * What the client calls.
     *
     * @param emulator whether it is the embedded emulator rather than Tencent Cloud
     */
    record Backend(boolean emulator) {
    }
}
