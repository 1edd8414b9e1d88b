package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbbrain.reactive.internal.BoundedBody;
import dev.dbbrain.reactive.testing.Gen;
import dev.dbbrain.reactive.testing.PropertyTries;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Properties of the response decoder over generated hostile bodies: whatever the bytes, decoding ends in a response
 * or in a typed exception naming the action (and the RequestId when the body has one) — never another exception,
 * an {@link Error}, or more memory than a small multiple of the size cap.
 *
 * <p>Each property is a {@code @TestFactory} of seeded tries ({@link PropertyTries}): a failing try names its seed,
 * and {@code -Dproperty.seed=<seed>} replays it.
 */
class ResponseDecoderPropertiesTest {

    private static final int CAP = DbbrainClient.DEFAULT_MAX_RESPONSE_SIZE;
    /** What decoding one body may allocate on its thread, garbage included, as a multiple of the size cap. */
    private static final int ALLOCATION_FACTOR = 8;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final JsonCodec CODEC = new JsonCodec(CAP, ZoneOffset.ofHours(8));
    private static final String CREATE = "CreateProxySessionKillTask";
    private static final String DESCRIBE = "DescribeProxySessionKillTasks";
    private static final List<String> EXAMPLES = List.of("create-official.json", "describe-official.json",
            "describe-internal-status.json");
    private static final Map<String, String> EXAMPLE_REQUEST_IDS = Map.of(
            "create-official.json", "3c140219-cfe9-470e-b241-907877d6fb03",
            "describe-official.json", "xx",
            "describe-internal-status.json", "6ca31e3a-7b6e-4a8e-a2f4-1d3f1bba8c1b");

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @BeforeAll
    static void warmUp() {
        // Class loading and first-call set-up are not what the allocation bound is about.
        for (String name : EXAMPLES) {
            decode(actionOf(name), JsonCodecTest.resource(name));
        }
        decode(DESCRIBE, utf8("{\"Response\":{\"Tasks\":[{\"AsyncRequestId\":1,\"CreateTime\":\"2022-13-01 00:00:00\"}]"
                + ",\"X\":[[{}]],\"RequestId\":\"r\"}}"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // The outcome every body must have

    /** Decodes with the decoder of {@code action}; returns the response or the exception. */
    private static Object decode(String action, byte[] body) {
        try {
            return action.equals(CREATE) ? CODEC.decodeCreate(body) : CODEC.decodeDescribe(body);
        } catch (DbbrainException e) {
            return e;
        }
    }

    /** Decodes, failing the property on any throwable other than a DbbrainException (Errors included). */
    private static Object outcome(String action, byte[] body) {
        try {
            return decode(action, body);
        } catch (Throwable escaped) {
            throw new AssertionError("escaped the decoder: " + escaped + " for body " + preview(body), escaped);
        }
    }

    /** Asserts the body fails with a typed exception naming the action; returns it. */
    private static DbbrainException failsTyped(String action, byte[] body) {
        Object outcome = outcome(action, body);
        assertThat(outcome).as("body %s", preview(body)).isInstanceOf(DbbrainException.class);
        DbbrainException e = (DbbrainException) outcome;
        assertThat(e).isInstanceOfAny(DbbrainDecodingException.class, DbbrainApiException.class);
        assertThat(e.action()).isEqualTo(action);
        assertThat(e.getMessage()).startsWith(action).hasSizeLessThan(4096);
        return e;
    }

    /** Asserts the body decodes or fails typed, naming the action; returns the outcome. */
    private static Object decodesOrFailsTyped(String action, byte[] body) {
        Object outcome = outcome(action, body);
        if (outcome instanceof DbbrainException e) {
            assertThat(e.action()).isEqualTo(action);
            assertThat(e).isInstanceOfAny(DbbrainDecodingException.class, DbbrainApiException.class);
            assertThat(e.getMessage()).startsWith(action).hasSizeLessThan(4096);
        }
        return outcome;
    }

    private static long allocatedWhileDecoding(String action, byte[] body) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        decode(action, body);
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Random and mutated bytes

    @TestFactory
    Stream<DynamicTest> randomBytesEndInATypedErrorNamingTheAction() {
        return PropertyTries.of(2000, g -> failsTyped(action(g), g.bytes(2048)));
    }

    @TestFactory
    Stream<DynamicTest> randomTextOfJsonCharactersEndsInATypedErrorNamingTheAction() {
        return PropertyTries.of(2000, g -> failsTyped(action(g), utf8(jsonishText(g))));
    }

    @TestFactory
    Stream<DynamicTest> mutatedOfficialExamplesDecodeOrFailTyped() {
        return PropertyTries.of(3000, g -> {
            Mutated mutated = mutatedExample(g);
            Object outcome = decodesOrFailsTyped(actionOf(mutated.example), mutated.body);
            if (outcome instanceof DescribeProxySessionKillTasksResponse r) {
                assertThat(r.tasks()).allSatisfy(t -> assertThat(t.instProxyList()).doesNotContainNull());
            }
        });
    }

    @Test
    void everyTruncationOfEveryOfficialExampleIsADecodingError() {
        for (String name : EXAMPLES) {
            byte[] whole = JsonCodecTest.resource(name);
            for (int length = 0; length < trimmedLength(whole); length++) {
                DbbrainException e = failsTyped(actionOf(name), Arrays.copyOf(whole, length));
                assertThat(e).isInstanceOf(DbbrainDecodingException.class);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Well-formed JSON of the wrong shape

    @TestFactory
    Stream<DynamicTest> anyFieldOfAnOfficialExampleReplacedByAnyJsonValueDecodesOrFailsCarryingTheRequestId() {
        return PropertyTries.of(2000, g -> replacingAFieldDecodesOrFailsCarryingTheRequestId(g.pick(EXAMPLES),
                jsonValue(g), g.between(0, 1000)));
    }

    private static void replacingAFieldDecodesOrFailsCarryingTheRequestId(String example, JsonNode replacement,
            int pick) {
        ObjectNode root = (ObjectNode) JSON.readTree(JsonCodecTest.resource(example));
        List<Slot> slots = new ArrayList<>();
        collect(root.get("Response"), slots);
        slots.removeIf(s -> s.name.equals("RequestId"));
        Slot slot = slots.get(Math.floorMod(pick, slots.size()));
        slot.parent.set(slot.name, replacement);
        Object outcome = decodesOrFailsTyped(actionOf(example), JSON.writeValueAsBytes(root));
        if (outcome instanceof DbbrainException e) {
            assertThat(e).isInstanceOf(DbbrainDecodingException.class);
            assertThat(e.requestId()).isEqualTo(EXAMPLE_REQUEST_IDS.get(example));
        }
        boolean mustFail = switch (slot.name) {
            case "AsyncRequestId", "TotalCount", "InstanceId", "TaskStatus", "Progress", "InstProxyCount" ->
                    replacement.isContainer() || replacement.isBoolean();
            case "InstProxyList", "FinishedProxyList", "FailedProxyList" -> replacement.isObject()
                    || replacement.isBoolean() || replacement.isNumber() || replacement.isString()
                    || (replacement.isArray() && replacement.valueStream().anyMatch(v -> !v.isString() && !v.isNull()));
            case "Tasks" -> replacement.isObject() || replacement.isBoolean() || replacement.isNumber()
                    || replacement.isString() || (replacement.isArray() && !replacement.isEmpty());
            default -> false;
        };
        if (mustFail) {
            assertThat(outcome).as("%s = %s", slot.name, replacement).isInstanceOf(DbbrainDecodingException.class);
        }
    }

    @TestFactory
    Stream<DynamicTest> errorWithoutAUsableCodeIsADecodingErrorWithTheRequestId() {
        return PropertyTries.of(500, g -> {
            JsonNode error = codelessError(g);
            ObjectNode root = JSON.createObjectNode();
            root.putObject("Response").put("RequestId", "req-7").set("Error", error);
            DbbrainException e = failsTyped(action(g), JSON.writeValueAsBytes(root));
            assertThat(e).isInstanceOf(DbbrainDecodingException.class).hasMessageContaining("Error without a Code");
            assertThat(e.requestId()).isEqualTo("req-7");
        });
    }

    @TestFactory
    Stream<DynamicTest> errorWithACodeIsAnApiExceptionWhateverElseTheBodyHolds() {
        return PropertyTries.of(500, g -> {
            String code = code(g);
            String message = g.text(0, 300);
            JsonNode noise = jsonValue(g);
            ObjectNode root = JSON.createObjectNode();
            ObjectNode response = root.putObject("Response");
            response.set("Tasks", noise);
            response.set("AsyncRequestId", noise);
            response.putObject("Error").put("Code", code).put("Message", message);
            response.put("RequestId", "req-8");
            DbbrainException e = failsTyped(action(g), JSON.writeValueAsBytes(root));
            assertThat(e).isInstanceOfSatisfying(DbbrainApiException.class, api -> {
                assertThat(api.code()).isEqualTo(code.length() <= 128 ? code : code.substring(0, 128) + "…");
                assertThat(api.errorMessage()).startsWith(message.substring(0, Math.min(message.length(), 2048)));
                assertThat(api.requestId()).isEqualTo("req-8");
                assertThat(api.category()).isEqualTo(ErrorCategory.ofErrorCode(api.code()));
            });
        });
    }

    @TestFactory
    Stream<DynamicTest> htmlErrorPagesAreDecodingErrors() {
        return PropertyTries.of(300, g -> assertThat(failsTyped(action(g), utf8(htmlPage(g))))
                .isInstanceOf(DbbrainDecodingException.class));
    }

    @Test
    void emptyAndBlankBodiesAreDecodingErrors() {
        for (String action : List.of(CREATE, DESCRIBE)) {
            for (String body : List.of("", " ", "\r\n", "\u0000", "\ufeff", "null", "{}", "{\"Response\":null}")) {
                assertThat(failsTyped(action, utf8(body))).isInstanceOf(DbbrainDecodingException.class);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The sizes from the issue, and memory

    @Test
    void theIssuesHostileSizesFailFastWithTypedErrors() {
        int levels = 200_000;
        String nested = "{\"Response\":{\"Tasks\":" + "[".repeat(levels) + "]".repeat(levels) + "}}";
        String digits = "{\"Response\":{\"TotalCount\":" + "7".repeat(100_000) + ",\"RequestId\":\"r\"}}";
        String bigString = "{\"Response\":{\"RequestId\":\"" + "x".repeat(64 << 20) + "\"}}";
        for (String action : List.of(CREATE, DESCRIBE)) {
            assertThat(failsTyped(action, utf8(nested))).hasMessageContaining("nesting depth");
            assertThat(failsTyped(action, utf8(digits))).hasMessageContaining("Number value length");
            assertThat(failsTyped(action, utf8(bigString))).hasMessageContaining("Document length");
        }
    }

    /**
     * Every shape of cap-sized hostile body with each action: the 24 combinations, each tried once (what jqwik's
     * exhaustive generation did with its 40 tries, since the combinations were fewer).
     */
    @ParameterizedTest(name = "shape {0}, {1}")
    @MethodSource("capSizedHostileBodies")
    void decodingAllocatesASmallMultipleOfTheCapWhateverTheBody(int shape, String action) {
        byte[] body = capSizedHostileBody(shape);
        assertThat(body.length).isLessThanOrEqualTo(CAP);
        decodesOrFailsTyped(action, body);
        long allocated = allocatedWhileDecoding(action, body);
        assertThat(allocated).as("allocated decoding %s", preview(body))
                .isLessThan((long) ALLOCATION_FACTOR * CAP);
    }

    @Test
    void aStringOfSixtyFourMebibytesIsRefusedWithoutCopyingIt() {
        byte[] body = utf8("{\"Response\":{\"RequestId\":\"" + "x".repeat(64 << 20) + "\"}}");
        assertThat(allocatedWhileDecoding(DESCRIBE, body)).isLessThan(CAP);
    }

    @Test
    void aRealisticAnswerAtTheCapStillDecodes() {
        String task = "{\"AsyncRequestId\":14672492,\"InstanceId\":\"crs-o5chheqz\",\"TaskStatus\":\"running\","
                + "\"Progress\":33,\"InstProxyList\":[\"6511ec503b047be913e30c1bbf1f2c8c861e8347\","
                + "\"2ce994dadc0e2b27e76ae13d04ab9eadd9665397\",\"db0fcd29867e65eb999ce99383d7a06cd21ca077\"],"
                + "\"InstProxyCount\":3,\"FinishedProxyList\":[\"6511ec503b047be913e30c1bbf1f2c8c861e8347\"],"
                + "\"FailedProxyList\":[],\"CreateTime\":\"2022-02-11 10:22:46\",\"StartTime\":\"2022-02-11 10:22:47\","
                + "\"EndTime\":\"\"}";
        int count = (CAP - 100) / (task.length() + 1);
        byte[] body = utf8("{\"Response\":{\"Tasks\":[" + String.join(",", java.util.Collections.nCopies(count, task))
                + "],\"TotalCount\":" + count + ",\"RequestId\":\"r\"}}");
        assertThat(body.length).isLessThanOrEqualTo(CAP);
        assertThat(CODEC.decodeDescribe(body).tasks()).hasSize(count);
        assertThat(allocatedWhileDecoding(DESCRIBE, body)).isLessThan((long) ALLOCATION_FACTOR * CAP);
    }

    @Test
    void manyTinyStringsAreStoppedByTheMemoryBudgetNotDecodedIntoMillionsOfObjects() {
        String body = "{\"Response\":{\"Tasks\":[{\"AsyncRequestId\":1,\"InstProxyList\":["
                + "\"a\",".repeat(CAP / 4 - 40) + "\"a\"]}],\"RequestId\":\"r\"}}";
        assertThatThrownBy(() -> CODEC.decodeDescribe(utf8(body))).isInstanceOf(DbbrainDecodingException.class)
                .hasMessageContaining("bytes of memory");
    }

    @TestFactory
    Stream<DynamicTest> boundedBodyEmitsTheWholeBodyUpToTheCapAndStopsReadingPastIt() {
        return PropertyTries.of(500, g -> boundedBodyEmitsTheWholeBodyUpToTheCap(
                g.list(0, 30, chunk -> chunk.between(0, 3000)), g.between(1, 20_000), g.bool()));
    }

    private static void boundedBodyEmitsTheWholeBodyUpToTheCap(List<Integer> sizes, int cap, boolean declared) {
        int total = sizes.stream().mapToInt(Integer::intValue).sum();
        int[] consumed = {0};
        Flux<ByteBuf> chunks = Flux.fromIterable(sizes).map(n -> {
            consumed[0]++;
            byte[] bytes = new byte[n];
            Arrays.fill(bytes, (byte) n.intValue());
            return Unpooled.wrappedBuffer(bytes);
        });
        Object outcome = BoundedBody.collect(chunks, cap, declared ? total : -1).cast(Object.class)
                .onErrorResume(BoundedBody.TooLarge.class, Mono::just).block(Duration.ofSeconds(5));
        if (total <= cap) {
            assertThat(outcome).isInstanceOfSatisfying(byte[].class, bytes -> assertThat(bytes).hasSize(total));
        } else {
            assertThat(outcome).isInstanceOf(BoundedBody.TooLarge.class);
            int crossing = 0;
            for (int sum = 0; sum <= cap; crossing++) {
                sum += sizes.get(crossing);
            }
            assertThat(consumed[0]).as("chunks read").isEqualTo(crossing);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Generators

    private static String action(Gen g) {
        return g.pick(CREATE, DESCRIBE);
    }

    private static String jsonishText(Gen g) {
        return g.string("{}[]\":,0123456789.eE-+ truefalsn\\ResponsTakIdq", 0, 300);
    }

    record Mutated(String example, byte[] body) {
        @Override
        public String toString() {
            return example + ": " + preview(body);
        }
    }

    /** An official example with byte-level damage: flips, deletions, duplications, insertions, truncations. */
    private static Mutated mutatedExample(Gen g) {
        String example = g.pick(EXAMPLES);
        List<UnaryOperator<byte[]>> mutations = g.list(1, 4, ResponseDecoderPropertiesTest::mutation);
        byte[] body = JsonCodecTest.resource(example);
        for (UnaryOperator<byte[]> m : mutations) {
            body = body.length == 0 ? body : m.apply(body);
        }
        return new Mutated(example, body);
    }

    private static UnaryOperator<byte[]> mutation(Gen g) {
        int at = g.between(0, 10_000);
        return g.oneOf(
                flip -> {
                    byte b = flip.anyByte();
                    return body -> {
                        byte[] copy = body.clone();
                        copy[at % copy.length] = b;
                        return copy;
                    };
                },
                deletion -> {
                    int n = deletion.between(1, 40);
                    return body -> cut(body, at % body.length, n);
                },
                duplication -> {
                    int n = duplication.between(1, 80);
                    return body -> duplicate(body, at % body.length, n);
                },
                insertion -> {
                    byte[] text = utf8(insertion.string("{}[]\":,-0123456789enul\\ ", 1, 8));
                    return body -> insert(body, at % body.length, text);
                },
                truncation -> body -> Arrays.copyOf(body, at % body.length));
    }

    /** Any JSON value, scalars and small containers, nested a little. */
    private static JsonNode jsonValue(Gen g) {
        return g.oneOf(ResponseDecoderPropertiesTest::jsonScalar,
                array -> {
                    ArrayNode a = NODES.arrayNode();
                    array.list(0, 4, ResponseDecoderPropertiesTest::jsonScalar).forEach(a::add);
                    return a;
                },
                object -> NODES.objectNode().set(object.string(ALPHA, 0, 6), jsonScalar(object)));
    }

    private static JsonNode jsonScalar(Gen g) {
        return g.oneOf(
                nul -> NODES.nullNode(),
                bool -> NODES.booleanNode(bool.bool()),
                integer -> NODES.numberNode(integer.anyLong()),
                decimal -> NODES.numberNode(decimal.anyDouble()),
                big -> NODES.numberNode(big.bigInteger(BigInteger.ONE.shiftLeft(63), BigInteger.ONE.shiftLeft(120))),
                text -> NODES.stringNode(text.text(0, 20)),
                known -> NODES.stringNode(known.pick("12", " 34 ", "-1", "9223372036854775808", "running",
                        "2022-02-11 10:22:46", "2020-09-22T00:00:00+00:00")));
    }

    private static JsonNode codelessError(Gen g) {
        if (g.between(0, 1) == 0) {
            return g.pick(NODES.stringNode("oops"), NODES.numberNode(5), NODES.arrayNode(), NODES.booleanNode(true),
                    NODES.objectNode());
        }
        JsonNode code = g.oneOf(
                absent -> null,
                nul -> NODES.nullNode(),
                blank -> NODES.stringNode(blank.pick("", " ", "\t")),
                number -> NODES.numberNode(number.between(Integer.MIN_VALUE, Integer.MAX_VALUE)),
                array -> NODES.arrayNode().add("AuthFailure"),
                object -> NODES.objectNode().put("Code", "InternalError"));
        ObjectNode error = NODES.objectNode().put("Message", g.text(0, 30));
        if (code != null) {
            error.set("Code", code);
        }
        return error;
    }

    private static String code(Gen g) {
        if (g.bool()) {
            return g.pick("AuthFailure.SignatureFailure", "RequestLimitExceeded", "InternalError", "ResourceNotFound",
                    "FailedOperation", "InvalidParameter.Foo");
        }
        String code;
        do {
            code = g.text(1, 300);
        } while (code.isBlank());
        return code;
    }

    private static String htmlPage(Gen g) {
        int status = g.pick(200, 400, 403, 404, 429, 500, 502, 503, 504);
        String text = g.string(ALPHA + "0123456789 ", 0, 200);
        int padding = g.between(0, 5000);
        return "<!DOCTYPE html><html><head><title>" + status + " " + text + "</title></head><body><h1>" + text
                + "</h1>" + "<p>nginx</p>".repeat(padding / 10) + "</body></html>";
    }

    /**
     * Bodies of at most the cap that are each the worst of their kind for a naive decoder: millions of tiny
     * tokens, tiny strings, unknown keys, minimal tasks, bad times, long strings, nested containers.
     */
    private static final List<IntFunction<String>> CAP_SIZED_SHAPES = List.of(
            n -> "{\"Response\":{\"X\":[" + "{},".repeat(n / 3) + "{}]}}",
            n -> "{\"Response\":{\"X\":[" + "[],".repeat(n / 3) + "[]]}}",
            n -> "{\"Response\":{\"X\":[" + "1,".repeat(n / 2) + "1]}}",
            n -> "{\"Response\":{\"Tasks\":[{\"AsyncRequestId\":1,\"InstProxyList\":[" + "\"a\",".repeat(n / 4)
                    + "\"a\"]}]}}",
            n -> "{\"Response\":{\"Tasks\":[{\"AsyncRequestId\":1,\"FailedProxyList\":["
                    + IntStream.range(0, n / 9).mapToObj(i -> "\"" + i + "\"").collect(Collectors.joining(","))
                    + "]}]}}",
            n -> "{\"Response\":{\"Tasks\":[" + "{\"AsyncRequestId\":1},".repeat(n / 21) + "{}]}}",
            n -> "{\"Response\":{\"Tasks\":[" + "{\"AsyncRequestId\":1,\"CreateTime\":\"2022-13-45 99:99:99\"},"
                    .repeat(n / 60) + "{}]}}",
            n -> "{\"Response\":{" + IntStream.range(0, n / 12).mapToObj(i -> "\"k" + i + "\":0")
                    .collect(Collectors.joining(",")) + "}}",
            n -> "{\"Response\":{\"RequestId\":\"" + "x".repeat(n) + "\"}}",
            n -> "{\"Response\":{\"Error\":{\"Code\":\"" + "C".repeat(n / 2) + "\",\"Message\":\""
                    + "m".repeat(n / 2) + "\"}}}",
            n -> "{\"Response\":{\"X\":" + "[".repeat(31) + "\"" + "y".repeat(n) + "\"" + "]".repeat(31) + "}}",
            n -> "{\"Response\":{\"Tasks\":[" + "{\"AsyncRequestId\":1,\"InstanceId\":\"i\",\"TaskStatus\":\"s\"},"
                    .repeat(n / 52) + "{}]}}");

    static Stream<Arguments> capSizedHostileBodies() {
        return IntStream.range(0, CAP_SIZED_SHAPES.size()).boxed()
                .flatMap(shape -> Stream.of(CREATE, DESCRIBE).map(action -> Arguments.of(shape, action)));
    }

    private static byte[] capSizedHostileBody(int shape) {
        byte[] body = utf8(CAP_SIZED_SHAPES.get(shape).apply(CAP - 128));
        return body.length <= CAP ? body : Arrays.copyOf(body, CAP);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    /** A field of an object in the example, to replace. */
    private record Slot(ObjectNode parent, String name) {
    }

    private static void collect(JsonNode node, List<Slot> slots) {
        if (node instanceof ObjectNode object) {
            for (String name : object.propertyNames()) {
                slots.add(new Slot(object, name));
                collect(object.get(name), slots);
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(element -> collect(element, slots));
        }
    }

    private static String actionOf(String example) {
        return example.startsWith("create") ? CREATE : DESCRIBE;
    }

    private static int trimmedLength(byte[] body) {
        int n = body.length;
        while (n > 0 && Character.isWhitespace(body[n - 1])) {
            n--;
        }
        return n;
    }

    private static byte[] cut(byte[] body, int at, int n) {
        byte[] out = new byte[body.length - Math.min(n, body.length - at)];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(body, at + (body.length - out.length), out, at, out.length - at);
        return out;
    }

    private static byte[] duplicate(byte[] body, int at, int n) {
        return insert(body, at, Arrays.copyOfRange(body, at, Math.min(body.length, at + n)));
    }

    private static byte[] insert(byte[] body, int at, byte[] piece) {
        byte[] out = new byte[body.length + piece.length];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(piece, 0, out, at, piece.length);
        System.arraycopy(body, at, out, at + piece.length, body.length - at);
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String preview(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 120), StandardCharsets.UTF_8);
        return body.length + " bytes: " + text + (body.length > 120 ? "…" : "");
    }
}
