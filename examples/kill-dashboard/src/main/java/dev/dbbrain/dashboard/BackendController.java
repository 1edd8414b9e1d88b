package dev.dbbrain.dashboard;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Tells the page what it talks to, so nobody mistakes the emulator for production or the other way round. */
@RestController
class BackendController {

    private final Backend backend;

    BackendController(BackendGuard guard) {
        this.backend = new Backend(guard.emulator(), guard.backend());
    }

    @GetMapping("/api/backend")
    Backend backend() {
        return backend;
    }

    /**
     * What the client calls.
     *
     * @param emulator whether it is the embedded emulator rather than Tencent Cloud
     * @param backend {@code emulator} or {@code tencent-cloud}, as in every answer's
     *     {@value BackendGuard#HEADER} header
     */
    record Backend(boolean emulator, String backend) {
    }
}
