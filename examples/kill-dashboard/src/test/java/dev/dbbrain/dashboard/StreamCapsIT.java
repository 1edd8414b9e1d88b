package dev.dbbrain.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;

/**
 * The caps on open event streams: the reproduction opened 400 streams from one client, and an unrelated kill's
 * first event came 20 s late. Past the cap a stream is refused at once with 429, and a place freed is a place again.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"dashboard.streams.max-per-client=3", "dashboard.streams.max-concurrent=5",
                "dbbrain.watch.not-found-grace=60s"})
@AutoConfigureWebTestClient(timeout = "60s")
@ActiveProfiles("it")
class StreamCapsIT {

    @Autowired
    private WebTestClient web;

    @Autowired
    private StreamLimits limits;

    @Test
    void streamsOverThePerClientCapAreRefusedAtOnceWithTooManyRequests() throws InterruptedException {
        List<Disposable> open = new ArrayList<>();
        try {
            // Tasks the emulator does not know: each stream stays open, looking for its task, for the whole test.
            for (int i = 1; i <= 3; i++) {
                open.add(web.get().uri("/api/instances/crs-demo0001/tasks/{task}/events", 1_000_000 + i)
                        .accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isOk()
                        .returnResult(String.class).getResponseBody().subscribe());
            }
            awaitOpen(3);
            web.get().uri("/api/instances/crs-demo0001/tasks/1000009/events")
                    .accept(MediaType.TEXT_EVENT_STREAM)
                    .exchange()
                    .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.code").isEqualTo("TooManyStreams")
                    .jsonPath("$.setting").isEqualTo("dashboard.streams.max-per-client");
            assertThat(limits.open()).isEqualTo(3);

            open.remove(0).dispose();
            awaitOpen(2);
            open.add(web.get().uri("/api/instances/crs-demo0001/tasks/1000010/events")
                    .accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isOk()
                    .returnResult(String.class).getResponseBody().subscribe());
            awaitOpen(3);
        } finally {
            open.forEach(Disposable::dispose);
        }
        awaitOpen(0);
    }

    private void awaitOpen(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (limits.open() != expected) {
            assertThat(System.nanoTime()).as("%d streams open within 30 s, was %d", expected, limits.open())
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
