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

    @ParameterizedTest
    @ValueSource(strings = {"GET", "PUT", "DELETE"})
    void methodOtherThanPostIsUnsupportedProtocol(String method) {
        start();
        Answer answer = calls.plain(method, "/");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.errorCode()).isEqualTo("UnsupportedProtocol");
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
    void headRequestIsAnsweredWithoutBodyAndTheConnectionStaysUsable() {
        start();
        assertThat(calls.plain("HEAD", "/").status()).isEqualTo(200);
        assertThat(calls.plain("HEAD", "/").body()).isEmpty();
        assertThat(calls.describe(INSTANCE, 1).exchange().errorCode()).isNull();
        assertThat(emulator.stats().errors()).containsEntry("UnsupportedProtocol", 2L);
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
}
