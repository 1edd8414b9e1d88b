package dev.dbbrain.reactive.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The emulator's JSON on jackson-core: its answers are byte for byte what they were when built as jackson-databind
 * trees (the references are built here the old way), and request bodies are accepted and refused as before.
 */
class EmulatorJsonTest {

    /** Quotes, backslashes, slashes, control characters, non-ASCII, a line separator, an HTML closing tag. */
    private static final String HOSTILE = "a \"quoted\" \\ back/slash\u0000\u001b[2J\t\r\n é 中文 \u2028 </script>";
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The old Envelopes.write: the fields, then the RequestId, inside Response. */
    private static byte[] envelope(ObjectNode fields, byte[] written) {
        fields.put("RequestId", MAPPER.readTree(written).get("Response").get("RequestId").stringValue());
        ObjectNode envelope = MAPPER.createObjectNode();
        envelope.set("Response", fields);
        return MAPPER.writeValueAsString(envelope).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void errorEnvelopesAreWrittenExactlyAsBefore() {
        Reply.Envelope written = Envelopes.error(new ApiFailure("InvalidParameter", HOSTILE));
        ObjectNode fields = MAPPER.createObjectNode();
        ObjectNode error = fields.putObject("Error");
        error.put("Code", "InvalidParameter");
        error.put("Message", HOSTILE);
        assertThat(written.json()).isEqualTo(envelope(fields, written.json()));
        assertThat(written.errorCode()).isEqualTo("InvalidParameter");
        assertThat(new String(written.json(), StandardCharsets.UTF_8))
                .startsWith("{\"Response\":{\"Error\":{\"Code\":\"InvalidParameter\",\"Message\":\"a \\\"quoted\\\"");
    }

    @Test
    void createDescribeAndAssumeRoleAnswersAreWrittenExactlyAsBefore() {
        for (boolean legacy : new boolean[] {false, true}) {
            TimeFormat times = TimeFormat.of(legacy);
            TaskBook book = new TaskBook(new Random(7), 0.5, 10);
            KillTaskService service = new KillTaskService(new InstanceCatalog(3), book, new TaskInfoJson(times), 0);
            long first = service.create(new CreateTaskParams("crs-abcd1234", "redis", null), 1_000).asyncRequestId();
            long second = service.create(new CreateTaskParams("crs-abcd1234", "redis", "crs-abcd1234-proxy-2"), 1_005)
                    .asyncRequestId();

            byte[] created = Envelopes.success(service.create(new CreateTaskParams("crs-abcd1234", "redis", null),
                    1_010)).json();
            assertThat(created).isEqualTo(envelope(MAPPER.createObjectNode().put("AsyncRequestId", second + 1),
                    created));

            List<Long> ids = List.of(first, second, 99L, first);
            for (long now : new long[] {1_000, 1_025, 1_060, 100_000}) {
                byte[] described = Envelopes.success(service.describe(new DescribeTasksParams("crs-abcd1234", "redis",
                        ids), now)).json();
                ObjectNode fields = MAPPER.createObjectNode();
                ArrayNode array = fields.putArray("Tasks");
                List<KillTask> found = book.find("crs-abcd1234", ids);
                for (KillTask task : found) {
                    oldTaskInfoJson(times, task.at(now), array.addObject());
                }
                fields.put("TotalCount", found.size());
                assertThat(described).isEqualTo(envelope(fields, described));
            }
        }
        Reply.Envelope assumed = Envelopes.success(new StsService(new CredentialStore(Map.of()))
                .assumeRole(new AssumeRoleParams("qcs::cam::uin/1:roleName/r", "s1", 900), 1_700_000_000_123L));
        JsonNode response = MAPPER.readTree(assumed.json()).get("Response");
        ObjectNode fields = MAPPER.createObjectNode();
        fields.putObject("Credentials")
                .put("Token", response.get("Credentials").get("Token").stringValue())
                .put("TmpSecretId", response.get("Credentials").get("TmpSecretId").stringValue())
                .put("TmpSecretKey", response.get("Credentials").get("TmpSecretKey").stringValue());
        fields.put("ExpiredTime", 1_700_000_900L).put("Expiration", "2023-11-14T22:28:20Z");
        assertThat(assumed.json()).isEqualTo(envelope(fields, assumed.json()));
    }

    /** TaskInfoJson as it was. */
    private static void oldTaskInfoJson(TimeFormat times, KillTask.Snapshot state, ObjectNode target) {
        KillTask task = state.task();
        target.put("AsyncRequestId", task.asyncRequestId());
        target.put("InstanceId", task.instanceId());
        target.put("TaskStatus", state.status().apiValue());
        target.put("Progress", state.progress());
        task.instanceProxies().forEach(target.putArray("InstProxyList")::add);
        target.put("InstProxyCount", task.instanceProxies().size());
        state.finishedProxies().forEach(target.putArray("FinishedProxyList")::add);
        state.failedProxies().forEach(target.putArray("FailedProxyList")::add);
        target.put("CreateTime", times.format(task.createdAtMillis()));
        target.put("StartTime", times.format(state.startMillis()));
        target.put("EndTime", times.format(state.endMillis()));
        target.put("InternalTaskStatus", state.status().apiValue());
    }

    @Test
    void aTaskIsWrittenWithItsElevenFieldsAndTheUndocumentedOne() {
        KillTaskService service = new KillTaskService(new InstanceCatalog(1), new TaskBook(new Random(1), 0, 10),
                new TaskInfoJson(TimeFormat.of(true)), 0);
        long id = service.create(new CreateTaskParams("crs-abcd1234", "redis", null), 0).asyncRequestId();
        String written = new String(Envelopes.success(service.describe(new DescribeTasksParams("crs-abcd1234",
                "redis", List.of(id)), 1_000)).json(), StandardCharsets.UTF_8);
        assertThat(written).startsWith("{\"Response\":{\"Tasks\":[{\"AsyncRequestId\":" + id + ",\"InstanceId\":"
                + "\"crs-abcd1234\",\"TaskStatus\":\"finished\",\"Progress\":100,\"InstProxyList\":"
                + "[\"crs-abcd1234-proxy-1\"],\"InstProxyCount\":1,\"FinishedProxyList\":[\"crs-abcd1234-proxy-1\"],"
                + "\"FailedProxyList\":[],\"CreateTime\":\"1970-01-01 08:00:00\",\"StartTime\":\"1970-01-01 08:00:00\","
                + "\"EndTime\":\"1970-01-01 08:00:00\",\"InternalTaskStatus\":\"finished\"}],\"TotalCount\":1,"
                + "\"RequestId\":\"");
    }

    @Test
    void statsAreWrittenExactlyAsBefore() {
        Map<String, Long> requests = new LinkedHashMap<>();
        requests.put("CreateProxySessionKillTask", 3L);
        requests.put(HOSTILE, Long.MAX_VALUE);
        Map<String, Integer> max = new LinkedHashMap<>();
        max.put("CreateProxySessionKillTask", 2);
        EmulatorStats stats = new EmulatorStats(requests, Map.of("fault.reset", 1L), max, 2,
                List.of(new EmulatorStats.Task("crs-abcd1234", 14672492L, "running"),
                        new EmulatorStats.Task(HOSTILE, -1, "finished")));
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode r = root.putObject("requests");
        stats.requests().forEach(r::put);
        ObjectNode errors = root.putObject("errors");
        stats.errors().forEach(errors::put);
        ObjectNode m = root.putObject("maxRequestsInOneSecond");
        stats.maxRequestsInOneSecond().forEach(m::put);
        root.put("tasksCreated", stats.tasksCreated());
        ArrayNode tasks = root.putArray("tasks");
        for (EmulatorStats.Task task : stats.tasks()) {
            tasks.addObject().put("instanceId", task.instanceId()).put("asyncRequestId", task.asyncRequestId())
                    .put("status", task.status());
        }
        assertThat(StatsJson.write(stats)).isEqualTo(MAPPER.writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aTruncatedAnswerIsTheFirstHalfOfACreateEnvelope() {
        String half = new String(Envelopes.truncated(), StandardCharsets.UTF_8);
        assertThat(half).startsWith("{\"Response\":{\"AsyncRequestId\":" + TaskBook.FIRST_ID + ",\"Requ");
        assertThat(half.length()).isEqualTo(("{\"Response\":{\"AsyncRequestId\":" + TaskBook.FIRST_ID
                + ",\"RequestId\":\"" + RequestIds.next() + "\"}}").length() / 2);
    }

    @Test
    void bodyFieldsAreReadByTypeWithNullAsAbsent() {
        BodyParameters body = BodyParameters.parse(utf8("{\"S\":\"" + HOSTILE.replace("\\", "\\\\")
                .replace("\"", "\\\"").replace("\u0000", "\\u0000").replace("\u001b", "\\u001b").replace("\t", "\\t")
                .replace("\r", "\\r").replace("\n", "\\n") + "\",\"L\":-9223372036854775808,\"A\":[1,9007199254740993],"
                + "\"N\":null,\"E\":[],\"O\":{\"deep\":[[{}]]}}"));
        assertThat(body.requiredString("S")).isEqualTo(HOSTILE);
        assertThat(body.optionalLong("L")).isEqualTo(Long.MIN_VALUE);
        assertThat(body.requiredLongArray("A")).containsExactly(1L, 9007199254740993L);
        assertThat(body.optionalString("N")).isNull();
        assertThat(body.optionalLong("N")).isNull();
        assertThat(body.optionalString("Missing")).isNull();
        body.allowOnly(java.util.Set.of("S", "L", "A", "N", "E", "O"));
        assertThatThrownBy(() -> body.allowOnly(java.util.Set.of("S", "L", "A", "E", "O")))
                .isInstanceOfSatisfying(ApiFailure.class, f -> assertThat(f.code()).isEqualTo("UnknownParameter"))
                .hasMessageContaining("`N`");
        assertThatThrownBy(() -> body.requiredLongArray("E")).hasMessageContaining("missing a required parameter");
        assertThatThrownBy(() -> body.requiredLongArray("N")).hasMessageContaining("missing a required parameter");
        for (String wrong : List.of("S", "A", "O")) {
            assertThatThrownBy(() -> body.optionalLong(wrong)).hasMessageContaining("expected Integer");
        }
        for (String wrong : List.of("L", "A", "O")) {
            assertThatThrownBy(() -> body.optionalString(wrong)).hasMessageContaining("expected String");
        }
        for (String wrong : List.of("S", "L", "O")) {
            assertThatThrownBy(() -> body.requiredLongArray(wrong)).hasMessageContaining("expected Array of Integer");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1.0                        | Integer",
        "1e3                        | Integer",
        "9223372036854775808        | Integer",
        "true                       | Integer",
        "\"1\"                      | Integer",
        "[1]                        | Integer",
        "[1, null]                  | Array of Integer",
        "[1, 2.5]                   | Array of Integer",
        "[1, [2]]                   | Array of Integer",
        "[99999999999999999999]     | Array of Integer",
        "[\"1\"]                    | Array of Integer",
    })
    void valuesOfAnotherJsonTypeAreInvalidParameterNamingTheType(String value, String expected) {
        BodyParameters body = BodyParameters.parse(utf8("{\"V\":" + value + "}"));
        assertThatThrownBy(() -> {
            Object unused = expected.equals("Integer") ? body.optionalLong("V") : body.requiredLongArray("V");
        })
                .isInstanceOfSatisfying(ApiFailure.class, f -> assertThat(f.code()).isEqualTo("InvalidParameter"))
                .hasMessage("The value type of parameter `V` is invalid, expected " + expected + ".");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{} {}", "{}x", "[1] x", "not json", "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":2}}",
        "{\"a\":1e99999999999}x", "\"\\ud800"})
    void bodiesThatAreNotValidJsonAreRefusedAsSuch(String text) {
        assertThatThrownBy(() -> BodyParameters.parse(utf8(text)))
                .isInstanceOfSatisfying(ApiFailure.class, f -> assertThat(f.code()).isEqualTo("InvalidParameter"))
                .hasMessage("The request body is not valid JSON: it must be one JSON object.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\r\n", "null", "[]", "[{}]", "\"text\"", "42", "true"})
    void bodiesThatAreAnotherJsonValueOrNothingAreRefusedAsNotAnObject(String text) {
        assertThatThrownBy(() -> BodyParameters.parse(utf8(text)))
                .isInstanceOfSatisfying(ApiFailure.class, f -> assertThat(f.code()).isEqualTo("InvalidParameter"))
                .hasMessage("The request body must be a JSON object.");
    }

    @Test
    void deepNestingAndHugeNumbersStayWithinJacksonsDefaultLimits() {
        int levels = 400_000;
        assertThatThrownBy(() -> BodyParameters.parse(utf8("{\"X\":" + "[".repeat(levels) + "]".repeat(levels) + "}")))
                .hasMessage("The request body is not valid JSON: it must be one JSON object.");
        assertThatThrownBy(() -> BodyParameters.parse(utf8("{\"X\":[" + "7".repeat(100_000) + "]}")))
                .hasMessage("The request body is not valid JSON: it must be one JSON object.");
    }
}
