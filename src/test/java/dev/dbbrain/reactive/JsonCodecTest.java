package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonCodecTest {

    private final JsonCodec codec = new JsonCodec(DbbrainClient.DEFAULT_MAX_RESPONSE_SIZE, ZoneOffset.ofHours(8));

    static byte[] resource(String name) {
        try (InputStream in = JsonCodecTest.class.getResourceAsStream("/responses/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void officialDescribeExampleDecodesEveryField() {
        DescribeProxySessionKillTasksResponse r = codec.decodeDescribe(resource("describe-official.json"));
        assertThat(r.requestId()).isEqualTo("xx");
        assertThat(r.totalCount()).isEqualTo(1);
        TaskInfo t = r.tasks().get(0);
        assertThat(t.asyncRequestId()).isEqualTo(7677678L);
        assertThat(t.instanceId()).isEqualTo("crs-o5chheqz");
        assertThat(t.taskStatus()).isEqualTo(TaskStatus.FINISHED);
        assertThat(t.status()).isEqualTo("finished");
        assertThat(t.isTerminal()).isTrue();
        assertThat(t.progress()).isEqualTo(100);
        assertThat(t.instProxyCount()).isEqualTo(3);
        assertThat(t.instProxyList()).hasSize(3).startsWith("6511ec503b047be913e30c1bbf1f2c8c861e8347");
        assertThat(t.finishedProxyList()).isEqualTo(t.instProxyList());
        assertThat(t.failedProxyList()).isEmpty();
        Instant expected = Instant.parse("2020-09-22T00:00:00Z");
        assertThat(t.createTime()).contains(expected);
        assertThat(t.startTime()).contains(expected);
        assertThat(t.endTime()).contains(expected);
    }

    @Test
    void internalTaskStatusPlainTimesEmptyTimesAndUnknownStatusAreTolerated() {
        DescribeProxySessionKillTasksResponse r = codec.decodeDescribe(resource("describe-internal-status.json"));
        assertThat(r.requestId()).isEqualTo("6ca31e3a-7b6e-4a8e-a2f4-1d3f1bba8c1b");
        TaskInfo running = r.tasks().get(0);
        assertThat(running.taskStatus()).isEqualTo(TaskStatus.RUNNING);
        assertThat(running.isTerminal()).isFalse();
        assertThat(running.createTime()).contains(Instant.parse("2022-02-11T02:22:46Z"));
        assertThat(running.startTime()).contains(Instant.parse("2022-02-11T02:22:47Z"));
        assertThat(running.endTime()).isEmpty();
        TaskInfo unknown = r.tasks().get(1);
        assertThat(unknown.taskStatus()).isEqualTo(TaskStatus.UNKNOWN);
        assertThat(unknown.status()).isEqualTo("paused-by-operator");
        assertThat(unknown.isTerminal()).isFalse();
        assertThat(unknown.startTime()).isEmpty();
        assertThat(unknown.endTime()).isEmpty();
    }

    @Test
    void zoneLessTimesUseTheConfiguredServerZone() {
        JsonCodec utc = new JsonCodec(DbbrainClient.DEFAULT_MAX_RESPONSE_SIZE, ZoneOffset.UTC);
        TaskInfo t = utc.decodeDescribe(resource("describe-internal-status.json")).tasks().get(0);
        assertThat(t.createTime()).contains(Instant.parse("2022-02-11T10:22:46Z"));
    }

    @Test
    void officialCreateExampleDecodes() {
        CreateProxySessionKillTaskResponse r = codec.decodeCreate(resource("create-official.json"));
        assertThat(r.asyncRequestId()).isEqualTo(14672492L);
        assertThat(r.requestId()).isEqualTo("3c140219-cfe9-470e-b241-907877d6fb03");
    }

    @Test
    void requestsAreWrittenCompactlyWithTheApiFieldNames() {
        assertThat(new String(codec.encode(CreateProxySessionKillTaskRequest.of("crs-abcd1234")), StandardCharsets.UTF_8))
                .isEqualTo("{\"InstanceId\":\"crs-abcd1234\",\"Product\":\"redis\"}");
        assertThat(new String(codec.encode(CreateProxySessionKillTaskRequest.of("crs-abcd1234", "proxy-1")),
                StandardCharsets.UTF_8))
                .isEqualTo("{\"InstanceId\":\"crs-abcd1234\",\"Product\":\"redis\",\"InstanceProxyId\":\"proxy-1\"}");
        assertThat(new String(codec.encode(DescribeProxySessionKillTasksRequest.of("crs-abcd1234", 1L, 9007199254740993L)),
                StandardCharsets.UTF_8))
                .isEqualTo("{\"InstanceId\":\"crs-abcd1234\",\"AsyncRequestIds\":[1,9007199254740993],\"Product\":\"redis\"}");
    }

    @Test
    void apiErrorEnvelopeBecomesApiExceptionWithCodeMessageAndRequestId() {
        byte[] body = utf8("{\"Response\":{\"Error\":{\"Code\":\"RequestLimitExceeded.UinLimitExceeded\","
                + "\"Message\":\"too fast\"},\"RequestId\":\"r-1\"}}");
        assertThatThrownBy(() -> codec.decodeDescribe(body))
                .isInstanceOfSatisfying(DbbrainApiException.class, e -> {
                    assertThat(e.action()).isEqualTo("DescribeProxySessionKillTasks");
                    assertThat(e.code()).isEqualTo("RequestLimitExceeded.UinLimitExceeded");
                    assertThat(e.errorMessage()).isEqualTo("too fast");
                    assertThat(e.requestId()).isEqualTo("r-1");
                    assertThat(e.category()).isEqualTo(ErrorCategory.THROTTLED);
                    assertThat(e.isRetryable()).isTrue();
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "<html><body>502 Bad Gateway</body></html>",
        "{\"Response\":",
        "{\"Response\":{\"AsyncRequestId\":1,\"RequestId\":\"x\"}} trailing",
        "[]",
        "null",
        "{\"NotResponse\":{}}",
        "{\"Response\":[]}",
        "{\"Response\":{\"RequestId\":\"r\"}}",
        "{\"Response\":{\"AsyncRequestId\":\"twelve\",\"RequestId\":\"r\"}}",
        "{\"Response\":{\"AsyncRequestId\":1e400,\"RequestId\":\"r\"}}",
        "{\"Response\":{\"AsyncRequestId\":123456789012345678901234567890,\"RequestId\":\"r\"}}",
        "{\"Response\":{\"Error\":{\"Message\":\"no code\"},\"RequestId\":\"r\"}}",
        "{\"Response\":{\"Error\":\"oops\",\"RequestId\":\"r\"}}",
        "{\"Response\":{\"AsyncRequestId\":1,\"AsyncRequestId\":2,\"RequestId\":\"r\"}}",
    })
    void malformedCreateBodiesBecomeTypedDecodingErrorsNamingTheAction(String body) {
        assertThatThrownBy(() -> codec.decodeCreate(utf8(body)))
                .isInstanceOfSatisfying(DbbrainDecodingException.class, e -> {
                    assertThat(e.action()).isEqualTo("CreateProxySessionKillTask");
                    assertThat(e.getMessage()).startsWith("CreateProxySessionKillTask: unreadable response");
                    assertThat(e.category()).isEqualTo(ErrorCategory.TRANSIENT);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"Response\":{\"Tasks\":{},\"RequestId\":\"r\"}}",
        "{\"Response\":{\"Tasks\":[1],\"RequestId\":\"r\"}}",
        "{\"Response\":{\"Tasks\":[{\"TaskStatus\":\"running\"}],\"RequestId\":\"r\"}}",
        "{\"Response\":{\"Tasks\":[{\"AsyncRequestId\":1,\"TaskStatus\":7}],\"RequestId\":\"r\"}}",
        "{\"Response\":{\"Tasks\":[{\"AsyncRequestId\":1,\"InstProxyList\":\"p1\"}],\"RequestId\":\"r\"}}",
        "{\"Response\":{\"Tasks\":[{\"AsyncRequestId\":1,\"FailedProxyList\":[{}]}],\"RequestId\":\"r\"}}",
        "{\"Response\":{\"Tasks\":[{\"AsyncRequestId\":1,\"Progress\":true}],\"RequestId\":\"r\"}}",
    })
    void wrongTypesInDescribeBecomeDecodingErrorsCarryingTheRequestId(String body) {
        assertThatThrownBy(() -> codec.decodeDescribe(utf8(body)))
                .isInstanceOfSatisfying(DbbrainDecodingException.class, e -> {
                    assertThat(e.action()).isEqualTo("DescribeProxySessionKillTasks");
                    assertThat(e.requestId()).isEqualTo("r");
                });
    }

    @Test
    void deeplyNestedArraysFailFastInsteadOfOverflowingTheStack() {
        String deep = "{\"Response\":{\"X\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}}";
        assertThatThrownBy(() -> codec.decodeDescribe(utf8(deep))).isInstanceOf(DbbrainDecodingException.class)
                .hasMessageContaining("nesting");
    }

    @Test
    void hundredThousandDigitNumbersAreRefused() {
        String huge = "{\"Response\":{\"TotalCount\":" + "9".repeat(100_000) + ",\"RequestId\":\"r\"}}";
        assertThatThrownBy(() -> codec.decodeDescribe(utf8(huge))).isInstanceOf(DbbrainDecodingException.class)
                .hasMessageContaining("Number value length");
    }

    @Test
    void stringsLongerThanTheResponseCapAreRefused() {
        JsonCodec small = new JsonCodec(4096, ZoneOffset.UTC);
        String big = "{\"Response\":{\"RequestId\":\"" + "x".repeat(10_000) + "\"}}";
        assertThatThrownBy(() -> small.decodeDescribe(utf8(big))).isInstanceOf(DbbrainDecodingException.class);
    }

    @Test
    void manyTinyTokensWithinTheSizeCapAreRefusedBeforeBuildingAHugeTree() {
        int cap = 256 * 1024;
        JsonCodec small = new JsonCodec(cap, ZoneOffset.UTC);
        String objects = "{\"Response\":{\"X\":[" + "{},".repeat(cap / 4) + "{}]}}";
        assertThat(objects.length()).isLessThan(cap);
        assertThatThrownBy(() -> small.decodeDescribe(utf8(objects))).isInstanceOf(DbbrainDecodingException.class)
                .hasMessageContaining("Token count");
    }

    @Test
    void aRealisticDescribeOfThousandsOfTasksFitsTheDefaultCaps() {
        StringBuilder body = new StringBuilder("{\"Response\":{\"Tasks\":[");
        int tasks = 7000;
        for (int i = 0; i < tasks; i++) {
            body.append(i == 0 ? "" : ",").append("{\"AsyncRequestId\":").append(14672492 + i)
                    .append(",\"InstanceId\":\"crs-o5chheqz\",\"TaskStatus\":\"running\",\"Progress\":33,")
                    .append("\"InstProxyList\":[\"6511ec503b047be913e30c1bbf1f2c8c861e8347\",")
                    .append("\"2ce994dadc0e2b27e76ae13d04ab9eadd9665397\",\"db0fcd29867e65eb999ce99383d7a06cd21ca077\"],")
                    .append("\"InstProxyCount\":3,\"FinishedProxyList\":[\"6511ec503b047be913e30c1bbf1f2c8c861e8347\"],")
                    .append("\"FailedProxyList\":[],\"CreateTime\":\"2022-02-11 10:22:46\",")
                    .append("\"StartTime\":\"2022-02-11 10:22:47\",\"EndTime\":\"\"}");
        }
        body.append("],\"TotalCount\":").append(tasks).append(",\"RequestId\":\"r\"}}");
        assertThat(body.length()).isLessThan(DbbrainClient.DEFAULT_MAX_RESPONSE_SIZE);
        assertThat(codec.decodeDescribe(utf8(body.toString())).tasks()).hasSize(tasks);
    }

    @Test
    void missingOptionalFieldsGetNeutralValues() {
        TaskInfo t = codec.decodeDescribe(utf8("{\"Response\":{\"Tasks\":[{\"AsyncRequestId\":5}]}}")).tasks().get(0);
        assertThat(t.asyncRequestId()).isEqualTo(5);
        assertThat(t.taskStatus()).isEqualTo(TaskStatus.UNKNOWN);
        assertThat(t.instProxyList()).isEmpty();
        assertThat(t.createTime()).isEmpty();
    }

    @Test
    void statusStringsMapCaseInsensitivelyAndUnknownOnesAreKept() {
        assertThat(TaskStatus.fromWire("FINISHED")).isEqualTo(TaskStatus.FINISHED);
        assertThat(TaskStatus.fromWire("failed").isTerminal()).isTrue();
        assertThat(TaskStatus.fromWire("chosen").isTerminal()).isFalse();
        assertThat(TaskStatus.fromWire("created")).isEqualTo(TaskStatus.CREATED);
        assertThat(TaskStatus.fromWire("")).isEqualTo(TaskStatus.UNKNOWN);
        assertThat(TaskStatus.fromWire(null)).isEqualTo(TaskStatus.UNKNOWN);
        assertThat(TaskStatus.fromWire("unknown")).isEqualTo(TaskStatus.UNKNOWN);
    }
}
