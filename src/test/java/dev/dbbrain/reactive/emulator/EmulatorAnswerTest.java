package dev.dbbrain.reactive.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbbrain.reactive.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The answer specs: immutable values whose factories and modifiers refuse bad arguments, naming them. */
class EmulatorAnswerTest {

    @Test
    void modifiersReturnANewAnswerAndLeaveTheOriginalAsItWas() {
        EmulatorAnswer plain = EmulatorAnswer.error("InternalError", "boom");
        EmulatorAnswer slow = plain.delayed(Duration.ofSeconds(2)).trickled(4, Duration.ofMillis(10))
                .withRequestId("req-1").disconnectAtEnd();

        assertThat(plain.delay()).isZero();
        assertThat(plain.trickleBytes()).isZero();
        assertThat(plain.requestId()).isNull();
        assertThat(plain.disconnectsAtEnd()).isFalse();
        assertThat(slow.delay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(slow.trickleBytes()).isEqualTo(4);
        assertThat(slow.requestId()).isEqualTo("req-1");
        assertThat(slow.disconnectsAtEnd()).isTrue();
        assertThat(slow).hasToString("error(InternalError) withRequestId(req-1) delayed PT2S trickled 4 bytes every"
                + " PT0.01S disconnectAtEnd");
    }

    @Test
    void aRawAnswerCopiesItsBodyAndHeaders() {
        byte[] body = "abc".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new HashMap<>(Map.of("X-A", "1"));
        EmulatorAnswer raw = EmulatorAnswer.raw(200, headers, body);
        body[0] = 'z';
        headers.put("X-B", "2");

        assertThat(new String(raw.body(), StandardCharsets.UTF_8)).isEqualTo("abc");
        assertThat(raw.headers()).containsOnlyKeys("X-A");
        assertThatThrownBy(() -> raw.headers().put("X-C", "3")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void factoriesRefuseBadArgumentsNamingThem() {
        assertThatThrownBy(() -> EmulatorAnswer.error(" ", "m")).hasMessage("code must not be blank");
        assertThatThrownBy(() -> EmulatorAnswer.error("C", null)).hasMessage("message must not be null");
        assertThatThrownBy(() -> EmulatorAnswer.created(0)).hasMessage("asyncRequestId must be positive, got 0");
        assertThatThrownBy(() -> EmulatorAnswer.taskState(null, 1)).hasMessage("status must not be null");
        assertThatThrownBy(() -> EmulatorAnswer.taskState(TaskStatus.UNKNOWN, 1)).hasMessageStartingWith(
                "status must be a documented status").hasMessageContaining("tasks(TaskInfo...)");
        assertThatThrownBy(() -> EmulatorAnswer.taskState(TaskStatus.RUNNING, 101))
                .hasMessage("progress must be between 0 and 100, got 101");
        assertThatThrownBy(() -> EmulatorAnswer.tasks((dev.dbbrain.reactive.TaskInfo) null))
                .hasMessage("tasks[0] must not be null");
        assertThatThrownBy(() -> EmulatorAnswer.httpStatus(199)).hasMessage("status must be between 200 and 599,"
                + " got 199");
        assertThatThrownBy(() -> EmulatorAnswer.httpStatus(502, "", "x")).hasMessage("contentType must not be blank");
        assertThatThrownBy(() -> EmulatorAnswer.httpStatus(502, "text/html\r\nX-Evil: 1", "x"))
                .hasMessage("contentType must not contain CR or LF");
        assertThatThrownBy(() -> EmulatorAnswer.raw(1000, Map.of(), new byte[0]))
                .hasMessage("status must be between 100 and 999, got 1000");
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("X-A", null);
        assertThatThrownBy(() -> EmulatorAnswer.raw(200, nullValue, new byte[0]))
                .hasMessage("headers[X-A] must not be null");
        assertThatThrownBy(() -> EmulatorAnswer.raw(200, Map.of("X-A", "1\n2"), new byte[0]))
                .hasMessage("headers[X-A] must not contain CR or LF");
        assertThatThrownBy(() -> EmulatorAnswer.raw(200, Map.of("X-A", "\u001b[2J"), new byte[0]))
                .hasMessage("headers[X-A] must not contain the character U+001B");
        assertThatThrownBy(() -> EmulatorAnswer.raw(200, Map.of("X A", "1"), new byte[0]))
                .hasMessage("headers must have names that are HTTP tokens, got `X A`");
        assertThat(EmulatorAnswer.raw(200, Map.of("X-Tab", "a\tb \u00e9"), new byte[0]).headers())
                .containsEntry("X-Tab", "a\tb \u00e9");
        assertThatThrownBy(() -> EmulatorAnswer.raw(200, Map.of(), null)).hasMessage("body must not be null");
    }

    @Test
    void modifiersRefuseBadArgumentsAndKindsTheyDoNotFit() {
        EmulatorAnswer ok = EmulatorAnswer.created(1);
        assertThatThrownBy(() -> ok.delayed(Duration.ofMillis(-1))).hasMessageStartingWith("delay must be between");
        assertThatThrownBy(() -> ok.delayed(Duration.ofDays(2))).hasMessageStartingWith("delay must be between");
        assertThatThrownBy(() -> ok.trickled(0, Duration.ZERO)).hasMessage("bytesPerChunk must be at least 1, got 0");
        assertThatThrownBy(() -> ok.trickled(1, null)).hasMessage("interval must not be null");
        assertThatThrownBy(() -> ok.withRequestId("")).hasMessage("requestId must not be blank");
        assertThatThrownBy(() -> EmulatorAnswer.reset().trickled(1, Duration.ZERO))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("reset()");
        assertThatThrownBy(() -> EmulatorAnswer.noAnswer().disconnectAtEnd())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("noAnswer()");
        assertThatThrownBy(() -> EmulatorAnswer.httpStatus(502).withRequestId("r"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("httpStatus(502");
        assertThatThrownBy(() -> EmulatorAnswer.simulated().withRequestId("r"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("simulated()");
    }

    @Test
    void enqueueRefusesUnknownActionsAndAnswersForAnotherActionNamingThem() {
        try (DbbrainEmulator emulator = DbbrainEmulator.builder().credentials("AKIDanswers", "answers-key")
                .warmUpRequests(0).start()) {
            assertThatThrownBy(() -> emulator.enqueue("DescribeTasks", EmulatorAnswer.reset()))
                    .hasMessage("action must be one of [CreateProxySessionKillTask, DescribeProxySessionKillTasks,"
                            + " AssumeRole], got DescribeTasks");
            assertThatThrownBy(() -> emulator.enqueue(null, EmulatorAnswer.reset()))
                    .hasMessage("action must not be null");
            assertThatThrownBy(() -> emulator.enqueue("AssumeRole")).hasMessage("answers must hold at least one answer");
            assertThatThrownBy(() -> emulator.enqueue("AssumeRole", EmulatorAnswer.reset(), null))
                    .hasMessage("answers[1] must not be null");
            assertThatThrownBy(() -> emulator.enqueue("DescribeProxySessionKillTasks", EmulatorAnswer.simulated(),
                    EmulatorAnswer.created(3))).hasMessage("answers[1]: created(3) answers CreateProxySessionKillTask"
                            + " only, not DescribeProxySessionKillTasks");
            assertThatThrownBy(() -> emulator.enqueue("CreateProxySessionKillTask",
                    EmulatorAnswer.taskState(TaskStatus.RUNNING, 5))).hasMessageContaining("answers"
                            + " DescribeProxySessionKillTasks only");
            assertThatThrownBy(() -> emulator.dispatcher(null)).hasMessageContaining("dispatcher must not be null");
            assertThatThrownBy(() -> emulator.takeRequest(null)).hasMessageContaining("timeout must be positive");
        }
        assertThatThrownBy(() -> DbbrainEmulator.builder().maxRecordedRequests(-1))
                .hasMessage("maxRecordedRequests must not be negative, got -1");
    }
}
