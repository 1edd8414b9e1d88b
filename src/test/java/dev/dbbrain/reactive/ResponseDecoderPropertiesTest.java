package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbbrain.reactive.internal.BoundedBody;
import dev.dbbrain.reactive.internal.JsonCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.BeforeContainer;
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
 */
class ResponseDecoderPropertiesTest {

    private static final int CAP = DbbrainClient.DEFAULT_MAX_RESPONSE_SIZE;
    /** What decoding one body may allocate on its thread, garbage included, as a multiple of the size cap. */
    private static final int ALLOCATION_FACTOR = 8;
    private static final JsonMapper JSON = JsonMapper.builder().build();
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

    @BeforeContainer
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

    @Property(tries = 2000)
    void randomBytesEndInATypedErrorNamingTheAction(@ForAll @Size(max = 2048) byte[] body,
            @ForAll("actions") String action) {
        failsTyped(action, body);
    }

    @Property(tries = 2000)
    void randomTextOfJsonCharactersEndsInATypedErrorNamingTheAction(@ForAll("jsonishText") String text,
            @ForAll("actions") String action) {
        failsTyped(action, utf8(text));
    }

    @Property(tries = 3000)
    void mutatedOfficialExamplesDecodeOrFailTyped(@ForAll("mutatedExamples") Mutated mutated) {
        Object outcome = decodesOrFailsTyped(actionOf(mutated.example), mutated.body);
        if (outcome instanceof DescribeProxySessionKillTasksResponse r) {
            assertThat(r.tasks()).allSatisfy(t -> assertThat(t.instProxyList()).doesNotContainNull());
        }
    }

    @Example
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

    @Property(tries = 2000)
    void anyFieldOfAnOfficialExampleReplacedByAnyJsonValueDecodesOrFailsCarryingTheRequestId(
            @ForAll("examples") String example, @ForAll("jsonValues") JsonNode replacement,
            @ForAll("indices") int pick) {
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

    @Property(tries = 500)
    void errorWithoutAUsableCodeIsADecodingErrorWithTheRequestId(@ForAll("codelessErrors") JsonNode error,
            @ForAll("actions") String action) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("Response").put("RequestId", "req-7").set("Error", error);
        DbbrainException e = failsTyped(action, JSON.writeValueAsBytes(root));
        assertThat(e).isInstanceOf(DbbrainDecodingException.class).hasMessageContaining("Error without a Code");
        assertThat(e.requestId()).isEqualTo("req-7");
    }

    @Property(tries = 500)
    void errorWithACodeIsAnApiExceptionWhateverElseTheBodyHolds(@ForAll("codes") String code,
            @ForAll("texts") String message, @ForAll("jsonValues") JsonNode noise, @ForAll("actions") String action) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode response = root.putObject("Response");
        response.set("Tasks", noise);
        response.set("AsyncRequestId", noise);
        response.putObject("Error").put("Code", code).put("Message", message);
        response.put("RequestId", "req-8");
        DbbrainException e = failsTyped(action, JSON.writeValueAsBytes(root));
        assertThat(e).isInstanceOfSatisfying(DbbrainApiException.class, api -> {
            assertThat(api.code()).isEqualTo(code.length() <= 128 ? code : code.substring(0, 128) + "…");
            assertThat(api.errorMessage()).startsWith(message.substring(0, Math.min(message.length(), 2048)));
            assertThat(api.requestId()).isEqualTo("req-8");
            assertThat(api.category()).isEqualTo(ErrorCategory.ofErrorCode(api.code()));
        });
    }

    @Property(tries = 300)
    void htmlErrorPagesAreDecodingErrors(@ForAll("htmlPages") String page, @ForAll("actions") String action) {
        assertThat(failsTyped(action, utf8(page))).isInstanceOf(DbbrainDecodingException.class);
    }

    @Example
    void emptyAndBlankBodiesAreDecodingErrors() {
        for (String action : List.of(CREATE, DESCRIBE)) {
            for (String body : List.of("", " ", "\r\n", "\u0000", "\ufeff", "null", "{}", "{\"Response\":null}")) {
                assertThat(failsTyped(action, utf8(body))).isInstanceOf(DbbrainDecodingException.class);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The sizes from the issue, and memory

    @Example
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

    @Property(tries = 40)
    void decodingAllocatesASmallMultipleOfTheCapWhateverTheBody(@ForAll("capSizedHostileBodies") byte[] body,
            @ForAll("actions") String action) {
        assertThat(body.length).isLessThanOrEqualTo(CAP);
        decodesOrFailsTyped(action, body);
        long allocated = allocatedWhileDecoding(action, body);
        assertThat(allocated).as("allocated decoding %s", preview(body))
                .isLessThan((long) ALLOCATION_FACTOR * CAP);
    }

    @Example
    void aStringOfSixtyFourMebibytesIsRefusedWithoutCopyingIt() {
        byte[] body = utf8("{\"Response\":{\"RequestId\":\"" + "x".repeat(64 << 20) + "\"}}");
        assertThat(allocatedWhileDecoding(DESCRIBE, body)).isLessThan(CAP);
    }

    @Example
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

    @Example
    void manyTinyStringsAreStoppedByTheMemoryBudgetNotDecodedIntoMillionsOfObjects() {
        String body = "{\"Response\":{\"Tasks\":[{\"AsyncRequestId\":1,\"InstProxyList\":["
                + "\"a\",".repeat(CAP / 4 - 40) + "\"a\"]}],\"RequestId\":\"r\"}}";
        assertThatThrownBy(() -> CODEC.decodeDescribe(utf8(body))).isInstanceOf(DbbrainDecodingException.class)
                .hasMessageContaining("bytes of memory");
    }

    @Property(tries = 500)
    void boundedBodyEmitsTheWholeBodyUpToTheCapAndStopsReadingPastIt(
            @ForAll("chunkSizes") List<Integer> sizes, @ForAll("smallCaps") int cap, @ForAll boolean declared) {
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

    @Provide
    Arbitrary<List<Integer>> chunkSizes() {
        return Arbitraries.integers().between(0, 3000).list().ofMaxSize(30);
    }

    @Provide
    Arbitrary<Integer> smallCaps() {
        return Arbitraries.integers().between(1, 20_000);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Generators

    @Provide
    Arbitrary<String> actions() {
        return Arbitraries.of(CREATE, DESCRIBE);
    }

    @Provide
    Arbitrary<String> examples() {
        return Arbitraries.of(EXAMPLES);
    }

    @Provide
    Arbitrary<Integer> indices() {
        return Arbitraries.integers().between(0, 1000);
    }

    @Provide
    Arbitrary<String> jsonishText() {
        return Arbitraries.strings().withChars("{}[]\":,0123456789.eE-+ truefalsn\\ResponsTakIdq").ofMaxLength(300);
    }

    record Mutated(String example, byte[] body) {
        @Override
        public String toString() {
            return example + ": " + preview(body);
        }
    }

    /** Official examples with byte-level damage: flips, deletions, duplications, insertions, truncations. */
    @Provide
    Arbitrary<Mutated> mutatedExamples() {
        Arbitrary<Function<byte[], byte[]>> mutation = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.integers().between(0, 10_000), Arbitraries.bytes())
                        .as((at, b) -> body -> {
                            byte[] copy = body.clone();
                            copy[at % copy.length] = b;
                            return copy;
                        }),
                Combinators.combine(Arbitraries.integers().between(0, 10_000), Arbitraries.integers().between(1, 40))
                        .as((at, n) -> body -> cut(body, at % body.length, n)),
                Combinators.combine(Arbitraries.integers().between(0, 10_000), Arbitraries.integers().between(1, 80))
                        .as((at, n) -> body -> duplicate(body, at % body.length, n)),
                Combinators.combine(Arbitraries.integers().between(0, 10_000),
                                Arbitraries.strings().withChars("{}[]\":,-0123456789enul\\ ").ofMinLength(1)
                                        .ofMaxLength(8))
                        .as((at, text) -> body -> insert(body, at % body.length, utf8(text))),
                Arbitraries.integers().between(0, 10_000).map(at -> body -> Arrays.copyOf(body, at % body.length)));
        return Combinators.combine(examples(), mutation.list().ofMinSize(1).ofMaxSize(4))
                .as((example, mutations) -> {
                    byte[] body = JsonCodecTest.resource(example);
                    for (Function<byte[], byte[]> m : mutations) {
                        body = body.length == 0 ? body : m.apply(body);
                    }
                    return new Mutated(example, body);
                });
    }

    /** Any JSON value, scalars and small containers, nested a little. */
    @Provide
    Arbitrary<JsonNode> jsonValues() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Arbitrary<JsonNode> scalars = Arbitraries.oneOf(
                Arbitraries.just(f.nullNode()),
                Arbitraries.of(true, false).map(f::booleanNode),
                Arbitraries.longs().map(f::numberNode),
                Arbitraries.doubles().map(f::numberNode),
                Arbitraries.bigIntegers().between(java.math.BigInteger.ONE.shiftLeft(63),
                        java.math.BigInteger.ONE.shiftLeft(120)).map(f::numberNode),
                texts().ofMaxLength(20).map(f::stringNode),
                Arbitraries.of("12", " 34 ", "-1", "9223372036854775808", "running", "2022-02-11 10:22:46",
                        "2020-09-22T00:00:00+00:00").map(f::stringNode));
        Arbitrary<JsonNode> arrays = scalars.list().ofMaxSize(4).map(values -> {
            ArrayNode a = f.arrayNode();
            values.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> objects = Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(6), scalars)
                .as((k, v) -> (JsonNode) f.objectNode().set(k, v));
        return Arbitraries.oneOf(scalars, arrays, objects);
    }

    @Provide
    Arbitrary<JsonNode> codelessErrors() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Arbitrary<JsonNode> badCode = Arbitraries.oneOf(
                Arbitraries.just((JsonNode) null),
                Arbitraries.just(f.nullNode()),
                Arbitraries.of("", " ", "\t").map(f::stringNode),
                Arbitraries.integers().map(f::numberNode),
                Arbitraries.just(f.arrayNode().add("AuthFailure")),
                Arbitraries.just(f.objectNode().put("Code", "InternalError")));
        Arbitrary<JsonNode> objects = Combinators.combine(badCode, Arbitraries.strings().ofMaxLength(30))
                .as((code, message) -> {
                    ObjectNode error = f.objectNode().put("Message", message);
                    if (code != null) {
                        error.set("Code", code);
                    }
                    return error;
                });
        return Arbitraries.oneOf(objects, Arbitraries.of(f.stringNode("oops"), f.numberNode(5), f.arrayNode(),
                f.booleanNode(true), f.objectNode()));
    }

    @Provide
    Arbitrary<String> codes() {
        return Arbitraries.oneOf(
                Arbitraries.of("AuthFailure.SignatureFailure", "RequestLimitExceeded", "InternalError",
                        "ResourceNotFound", "FailedOperation", "InvalidParameter.Foo"),
                texts().ofMinLength(1).filter(s -> !s.isBlank()));
    }

    /** Text of any characters outside the surrogate range (control characters included), up to 300. */
    @Provide
    net.jqwik.api.arbitraries.StringArbitrary texts() {
        return Arbitraries.strings().withCharRange('\u0000', '\ud7ff').withCharRange('\ue000', '\ufffd')
                .ofMaxLength(300);
    }

    @Provide
    Arbitrary<String> htmlPages() {
        return Combinators.combine(Arbitraries.of(200, 400, 403, 404, 429, 500, 502, 503, 504),
                        Arbitraries.strings().alpha().numeric().withChars(' ').ofMaxLength(200),
                        Arbitraries.integers().between(0, 5000))
                .as((status, text, padding) -> "<!DOCTYPE html><html><head><title>" + status + " " + text
                        + "</title></head><body><h1>" + text + "</h1>" + "<p>nginx</p>".repeat(padding / 10)
                        + "</body></html>");
    }

    /**
     * Bodies of at most the cap that are each the worst of their kind for a naive decoder: millions of tiny
     * tokens, tiny strings, unknown keys, minimal tasks, bad times, long strings, nested containers.
     */
    @Provide
    Arbitrary<byte[]> capSizedHostileBodies() {
        List<IntFunction<String>> shapes = List.of(
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
        return Arbitraries.of(shapes).map(shape -> {
            byte[] body = utf8(shape.apply(CAP - 128));
            return body.length <= CAP ? body : Arrays.copyOf(body, CAP);
        });
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
