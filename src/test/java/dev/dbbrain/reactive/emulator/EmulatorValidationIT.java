package dev.dbbrain.reactive.emulator;

import static dev.dbbrain.reactive.emulator.SignedCalls.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.internal.Tc3Signer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.netty.tcp.TcpClient;
import tools.jackson.databind.json.JsonMapper;

class EmulatorValidationIT extends EmulatorTestSupport {

    private static final String CREATE = Action.CREATE.apiName();
    private static final String DESCRIBE = Action.DESCRIBE.apiName();

    @Test
    void missingActionIsMissingParameter() {
        start();
        Answer answer = calls.describe(INSTANCE, 1).without("X-TC-Action").exchange();
        assertThat(answer.errorCode()).isEqualTo("MissingParameter");
        assertThat(answer.errorMessage()).contains("`Action`");
    }

    @Test
    void unknownActionIsInvalidAction() {
        start();
        assertThat(calls.call("DescribeDBDiagEvents", "{}").exchange().errorCode()).isEqualTo("InvalidAction");
    }

    @Test
    void missingVersionIsMissingParameter() {
        start();
        assertThat(calls.describe(INSTANCE, 1).without("X-TC-Version").exchange().errorCode())
                .isEqualTo("MissingParameter");
    }

    @Test
    void otherVersionIsNoSuchVersion() {
        start();
        assertThat(calls.describe(INSTANCE, 1).header("X-TC-Version", "2019-10-16").exchange().errorCode())
                .isEqualTo("NoSuchVersion");
    }

    @Test
    void missingTimestampIsMissingParameter() {
        start();
        assertThat(calls.describe(INSTANCE, 1).without("X-TC-Timestamp").exchange().errorCode())
                .isEqualTo("MissingParameter");
    }

    @Test
    void timestampThatIsNotAnIntegerIsInvalidParameter() {
        start();
        assertThat(calls.describe(INSTANCE, 1).header("X-TC-Timestamp", "1740794400.5")
                .authorization("unused").exchange().errorCode()).isEqualTo("InvalidParameter");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "\"text\"", "42", "{", "{\"InstanceId\":\"crs-abcd1234\"} {}", "not json"})
    void bodyThatIsNotOneJsonObjectIsInvalidParameter(String body) {
        start();
        assertThat(calls.call(DESCRIBE, body).exchange().errorCode()).isEqualTo("InvalidParameter");
    }

    @Test
    void missingRequiredFieldIsMissingParameterNamingIt() {
        start();
        Answer answer = calls.call(CREATE, "{\"Product\":\"redis\"}").exchange();
        assertThat(answer.errorCode()).isEqualTo("MissingParameter");
        assertThat(answer.errorMessage()).isEqualTo("The request is missing a required parameter `InstanceId`.");
        assertThat(calls.call(DESCRIBE, "{\"InstanceId\":\"crs-abcd1234\",\"Product\":\"redis\"}")
                .exchange().errorMessage()).contains("`AsyncRequestIds`");
        assertThat(calls.describe(INSTANCE).exchange().errorCode()).as("empty AsyncRequestIds")
                .isEqualTo("MissingParameter");
    }

    @Test
    void fieldOfTheWrongJsonTypeIsInvalidParameterNamingIt() {
        start();
        Answer answer = calls.call(CREATE, "{\"InstanceId\":12345678,\"Product\":\"redis\"}").exchange();
        assertThat(answer.errorCode()).isEqualTo("InvalidParameter");
        assertThat(answer.errorMessage()).contains("`InstanceId`");
        for (String ids : new String[] {"\"1\"", "[\"1\"]", "[1.5]", "[99999999999999999999]", "{}"}) {
            Answer describe = calls.call(DESCRIBE, "{\"InstanceId\":\"crs-abcd1234\",\"Product\":\"redis\","
                    + "\"AsyncRequestIds\":" + ids + "}").exchange();
            assertThat(describe.errorCode()).as(ids).isEqualTo("InvalidParameter");
            assertThat(describe.errorMessage()).contains("`AsyncRequestIds`");
        }
    }

    @Test
    void unknownFieldIsUnknownParameterNamingIt() {
        start();
        Answer answer = calls.call(CREATE, "{\"InstanceId\":\"crs-abcd1234\",\"Product\":\"redis\",\"Region\":\"x\"}")
                .exchange();
        assertThat(answer.errorCode()).isEqualTo("UnknownParameter");
        assertThat(answer.errorMessage()).contains("`Region`");
        assertThat(calls.call(DESCRIBE, "{\"InstanceId\":\"crs-abcd1234\",\"Product\":\"redis\",\"AsyncRequestIds\":[1],"
                + "\"InstanceProxyId\":\"p\"}").exchange().errorCode()).isEqualTo("UnknownParameter");
    }

    @Test
    void productOtherThanRedisIsInvalidParameterValue() {
        start();
        assertThat(calls.call(CREATE, "{\"InstanceId\":\"crs-abcd1234\",\"Product\":\"mysql\"}").exchange()
                .errorCode()).isEqualTo("InvalidParameterValue");
    }

    @ParameterizedTest
    @ValueSource(strings = {"crs-test1", "cdb-abcd1234", "crs-ABCD1234", "crs-abcd12345", "xx"})
    void instanceIdOfAnotherShapeIsResourceNotFound(String instanceId) {
        start();
        assertThat(calls.create(instanceId).exchange().errorCode()).isEqualTo("ResourceNotFound");
        assertThat(calls.describe(instanceId, 1).exchange().errorCode()).isEqualTo("ResourceNotFound");
    }

    @Test
    void pathOtherThanRootIsInvalidParameter() {
        start();
        Answer answer = calls.describe(INSTANCE, 1).path("/v3").exchange();
        assertThat(answer.errorCode()).isEqualTo("InvalidParameter");
        assertThat(answer.errorMessage()).contains("must be /");
    }

    @Test
    void getWithoutAuthorizationOrParametersIsTakenForSignatureV1AndMissesItsAction() {
        start();
        Answer answer = calls.plain("GET", "/");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.errorCode()).isEqualTo("MissingParameter");
        assertThat(answer.errorMessage()).contains("`Action`");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUT", "DELETE"})
    void methodOtherThanGetOrPostIsRefusedWith405(String method) {
        start();
        Answer answer = calls.plain(method, "/");
        assertThat(answer.status()).isEqualTo(405);
        assertThat(answer.headers().get("Allow")).isEqualTo("GET, POST");
    }

    @Test
    void bodyLargerThanOneMebibyteIsRequestSizeLimitExceeded() {
        start();
        byte[] big = new byte[1024 * 1024 + 1];
        Arrays.fill(big, (byte) ' ');
        assertThat(calls.describe(INSTANCE, 1).body(big).exchange().errorCode())
                .as("declared by Content-Length").isEqualTo("RequestSizeLimitExceeded");
        assertThat(calls.describe(INSTANCE, 1).body(big).chunked().exchange().errorCode())
                .as("counted while receiving a chunked body").isEqualTo("RequestSizeLimitExceeded");
        byte[] justFits = Arrays.copyOf(big, 1024 * 1024);
        byte[] json = "{\"InstanceId\":\"crs-abcd1234\",\"Product\":\"redis\",\"AsyncRequestIds\":[1]}"
                .getBytes(StandardCharsets.UTF_8);
        System.arraycopy(json, 0, justFits, 0, json.length);
        assertThat(calls.describe(INSTANCE, 1).body(justFits).chunked().exchange().errorCode())
                .as("exactly 1 MiB").isNull();
        assertThat(calls.describe(INSTANCE, 1).exchange().errorCode()).isNull();
    }

    @Test
    void oversizeBodyAnnouncedWithExpectContinueIsRefusedUnreadAndTheConnectionClosed() {
        start();
        // A raw client: it sends the head only and waits, as a client expecting 100 Continue does. Were the
        // connection kept open, the emulator would wait for the body and this would time out.
        String head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 2097152\r\n"
                + "X-TC-Action: " + DESCRIBE + "\r\n\r\n";
        String answer = TcpClient.create().host("127.0.0.1").port(emulator.port())
                .connect()
                .flatMap(connection -> connection.outbound().sendString(Mono.just(head)).then()
                        .then(connection.inbound().receive().aggregate().asString())
                        .doFinally(signal -> connection.dispose()))
                .block(SignedCalls.TIMEOUT);
        assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close")
                .contains("RequestSizeLimitExceeded");
    }

    @Test
    void headRequestIsRefusedWithoutBodyAndTheConnectionStaysUsable() {
        start();
        assertThat(calls.plain("HEAD", "/").status()).isEqualTo(405);
        assertThat(calls.plain("HEAD", "/").body()).isEmpty();
        assertThat(calls.describe(INSTANCE, 1).exchange().errorCode()).isNull();
        assertThat(emulator.stats().errors()).containsEntry("refused.http405", 2L);
    }

    @Test
    void absoluteFormRequestTargetFromAClientBehindAnHttpProxyIsServed() throws IOException, InterruptedException {
        start();
        // The JDK client sends "POST http://dbbrain.tencentcloudapi.com/ HTTP/1.1" to the proxy, here the emulator.
        HttpClient viaProxy = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", emulator.port())))
                .connectTimeout(SignedCalls.TIMEOUT).build();
        byte[] body = ("{\"InstanceId\":\"" + INSTANCE + "\",\"Product\":\"redis\"}").getBytes(StandardCharsets.UTF_8);
        long timestamp = clock.epochSecond();
        String authorization = new Tc3Signer().authorization(SignedCalls.SECRET_ID, SignedCalls.SECRET_KEY,
                "dbbrain.tencentcloudapi.com", "application/json; charset=utf-8", body, timestamp, "dbbrain", Map.of());
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://dbbrain.tencentcloudapi.com/"))
                .timeout(SignedCalls.TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("X-TC-Action", CREATE)
                .header("X-TC-Version", "2021-05-27")
                .header("X-TC-Timestamp", Long.toString(timestamp))
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<byte[]> response = viaProxy.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        var json = JsonMapper.builder().build().readTree(response.body()).get("Response");
        assertThat(json.has("Error")).as(json.toString()).isFalse();
        assertThat(json.get("AsyncRequestId").isIntegralNumber()).isTrue();
    }

    @Test
    void emulatorKeepsServingAfterEveryMalformedRequest() {
        start(builder -> builder.rateLimit(0));
        byte[] big = new byte[2 * 1024 * 1024];
        Answer[] refused = {
            calls.plain("GET", "/"),
            calls.plain("POST", "/"),
            calls.plain("GET", "/_emulator/nothing"),
            calls.call(DESCRIBE, "{").exchange(),
            calls.call(DESCRIBE, "\u0000\u00ff").exchange(),
            calls.describe(INSTANCE, 1).body(big).exchange(),
            calls.describe(INSTANCE, 1).body(big).chunked().exchange(),
            calls.describe(INSTANCE, 1).authorization("TC3-HMAC-SHA256 garbage").exchange(),
            calls.describe(INSTANCE, 1).header("X-TC-Timestamp", "soon").exchange(),
            calls.describe(INSTANCE, 1).header("X-TC-Action", "x".repeat(4000)).exchange(),
            calls.describe(INSTANCE, 1).contentType("application/xml").exchange(),
        };
        assertThat(refused).allSatisfy(answer -> {
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.errorCode()).isNotNull();
        });
        assertThat(calls.describe(INSTANCE, calls.createTask()).exchange().errorCode()).isNull();
        assertThat(emulator.stats().errors().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(refused.length);
    }

    /**
     * Writes raw bytes on a fresh connection, ends its sending side, and reads whatever comes back until the server
     * closes (or 10 s). Without the end, bytes with no line break would be an unfinished request line the server
     * rightly waits for.
     */
    private String raw(byte[] bytes) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", emulator.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = socket.getInputStream().read(buffer)) > 0; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (java.net.SocketException reset) {
                // A reset after the answer is a close too.
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void bytesThatAreNotHttpGetAProperHttpErrorAndTheEmulatorKeepsServing() throws IOException {
        start(builder -> builder.rateLimit(0));
        java.util.Random random = new java.util.Random(4);
        List<byte[]> garbage = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] bytes = new byte[1 + random.nextInt(3000)];
            random.nextBytes(bytes);
            garbage.add(bytes);
        }
        garbage.add(latin1("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003"));  // a TLS hello
        garbage.add(latin1("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"));
        garbage.add(latin1("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\n"));
        garbage.add(latin1("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\n"));
        garbage.add(latin1("POST /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        garbage.add(latin1("POST / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n"));
        garbage.add(latin1("POST / HTTP/1.1\r\n" + "X-H: v\r\n".repeat(5_000) + "\r\n"));
        garbage.add(latin1("POST / HTTP/9.9\r\n\r\n"));
        garbage.add(latin1("\r\n\r\n\r\n"));
        for (byte[] bytes : garbage) {
            String answer = raw(bytes);
            assertThat(answer).as("answer to %d bytes", bytes.length).matches("(?s)(HTTP/\\d\\.\\d [2-5]\\d\\d .*)?");
            if (!answer.isEmpty() && !answer.matches("(?s)HTTP/\\d\\.\\d 200 .*")) {
                assertThat(answer).as("a refused request closes its connection").containsIgnoringCase("connection: close");
            }
            assertThat(calls.describe(INSTANCE, 1).exchange().errorCode()).as("still serving").isNull();
        }
        // HTTP/1.0 without Host, a well-formed request the API refuses, still gets the envelope.
        assertThat(raw(latin1("POST / HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}"))).startsWith("HTTP/1.0 200")
                .contains("\"Error\"").contains("MissingParameter");
    }

    @Test
    void aClientThatSendsHalfAHeaderAndStallsDoesNotHoldUpOthers() throws IOException {
        start(builder -> builder.rateLimit(0));
        try (java.net.Socket stalled = new java.net.Socket("127.0.0.1", emulator.port())) {
            stalled.getOutputStream().write(latin1("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-TC-Act"));
            stalled.getOutputStream().flush();
            for (int i = 0; i < 5; i++) {
                assertThat(calls.describe(INSTANCE, 1).exchange().errorCode()).isNull();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"InstanceId\":\"crs-abcd1234\",\"Product\":\"redis\",\"AsyncRequestIds\":[99999999999999999999999999999999]}",
        "{\"InstanceId\":\"crs-abcd1234\",\"Product\":\"redis\",\"AsyncRequestIds\":[1],\"X\":1e999999}",
        "{\"InstanceId\":\"crs-abcd1234\",\"Product\":\"redis\",\"InstanceId\":\"crs-abcd1234\"}",
        "{\"InstanceId\":\"crs-abcd1234\uD800\",\"Product\":\"redis\",\"AsyncRequestIds\":[1]}",
    })
    void hostileJsonBodiesAreInvalidParameter(String body) {
        start();
        assertThat(calls.call(DESCRIBE, body).exchange().errorCode()).isIn("InvalidParameter", "ResourceNotFound",
                "UnknownParameter");
    }

    @Test
    void deeplyNestedHugeNumberAndInvalidUtf8BodiesAreInvalidParameterAndNeverAnInternalError() {
        start();
        int levels = 400_000;
        String nested = "{\"InstanceId\":" + "[".repeat(levels) + "]".repeat(levels) + "}";
        String digits = "{\"InstanceId\":\"crs-abcd1234\",\"Product\":\"redis\",\"AsyncRequestIds\":["
                + "7".repeat(100_000) + "]}";
        byte[] badUtf8 = {'{', '"', 'I', 'n', 's', 't', 'a', 'n', 'c', 'e', 'I', 'd', '"', ':', '"', (byte) 0xc3,
            (byte) 0x28, (byte) 0xff, '"', '}'};
        assertThat(calls.call(CREATE, nested).exchange().errorCode()).isEqualTo("InvalidParameter");
        assertThat(calls.call(DESCRIBE, digits).exchange().errorCode()).isEqualTo("InvalidParameter");
        assertThat(calls.describe(INSTANCE, 1).body(badUtf8).exchange().errorCode()).isEqualTo("InvalidParameter");
        assertThat(emulator.stats().errors()).doesNotContainKey("InternalError");
    }

    @Test
    void everyFieldWithEveryJsonTypeGetsTheEnvelopeWithAnApiErrorCodeAndNeverAnInternalError() {
        start(builder -> builder.rateLimit(0));
        List<String> values = List.of("null", "true", "0", "-1", "1.5", "\"\"", "\"x\"", "\"crs-abcd1234\"",
                "\"redis\"", "[]", "[1]", "[\"1\"]", "[null]", "{}", "{\"a\":1}");
        java.util.Set<String> codes = new java.util.TreeSet<>();
        int calls = 0;
        for (String action : List.of(CREATE, DESCRIBE)) {
            List<String> fields = action.equals(CREATE) ? List.of("InstanceId", "Product", "InstanceProxyId")
                    : List.of("InstanceId", "Product", "AsyncRequestIds");
            for (String field : fields) {
                for (String value : values) {
                    StringBuilder body = new StringBuilder("{");
                    for (String other : fields) {
                        String v = other.equals(field) ? value : switch (other) {
                            case "InstanceId" -> "\"crs-abcd1234\"";
                            case "Product" -> "\"redis\"";
                            case "AsyncRequestIds" -> "[1]";
                            default -> "\"crs-abcd1234-proxy-1\"";
                        };
                        body.append(body.length() > 1 ? "," : "").append('"').append(other).append("\":").append(v);
                    }
                    Answer answer = this.calls.call(action, body.append('}').toString()).exchange();
                    calls++;
                    assertThat(answer.status()).isEqualTo(200);
                    assertThat(answer.response().get("RequestId").isString()).isTrue();
                    if (answer.errorCode() != null) {
                        codes.add(answer.errorCode());
                        assertThat(answer.errorMessage()).as("%s %s=%s", action, field, value).isNotBlank();
                    }
                }
            }
        }
        assertThat(codes).isSubsetOf("InvalidParameter", "InvalidParameterValue", "MissingParameter",
                "ResourceNotFound", "UnknownParameter").contains("InvalidParameter", "MissingParameter");
        assertThat(calls).isEqualTo(2 * 3 * values.size());
        assertThat(this.calls.describe(INSTANCE, this.calls.createTask()).exchange().errorCode()).isNull();
    }
}
