package dev.dbbrain.reactive.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.internal.Tc3Signer;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

/**
 * TC3-HMAC-SHA256 with GET, as the official signing page defines it: the fields in the query string (flattened),
 * {@code Content-Type: application/x-www-form-urlencoded}, the query string as sent in the canonical request and
 * the hash of the empty body. And the Host of a TC3 signature, matched with or without its port.
 */
class EmulatorTc3GetIT extends EmulatorTestSupport {

    private static final String FORM = "application/x-www-form-urlencoded";

    /** Sends a TC3 GET with this query, signed over {@code signedQuery} and {@code signedHost}. */
    private Answer get(String action, String query, String signedQuery, String signedHost, String contentType) {
        long timestamp = clock.epochSecond();
        String host = "127.0.0.1:" + emulator.port();
        // Written out from the signing page, independently of the emulator's and the client's code.
        String canonical = "GET\n/\n" + signedQuery + "\ncontent-type:" + contentType + "\nhost:"
                + (signedHost != null ? signedHost : host) + "\n\ncontent-type;host\n" + sha256Hex("");
        String date = Tc3Signer.utcDate(timestamp);
        String signature = Tc3Signer.signature(SignedCalls.SECRET_KEY, date, "dbbrain",
                Tc3Signer.stringToSign(timestamp, date, "dbbrain", canonical));
        String authorization = Tc3Signer.authorizationHeader(SignedCalls.SECRET_ID, date, "dbbrain",
                "content-type;host", signature);
        return HttpClient.create().disableRetry(true).responseTimeout(SignedCalls.TIMEOUT)
                .headers(h -> h.set("Host", host).set("Content-Type", contentType).set("Authorization", authorization)
                        .set("X-TC-Action", action).set("X-TC-Version", "2021-05-27")
                        .set("X-TC-Timestamp", Long.toString(timestamp)))
                .get().uri(emulator.endpoint() + "/?" + query)
                .responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> new Answer(response.status().code(),
                                new DefaultHttpHeaders().add(response.responseHeaders()), bytes)))
                .block(SignedCalls.TIMEOUT);
    }

    private Answer get(String action, String query) {
        return get(action, query, query, null, FORM);
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(
                    StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void getWithTheFieldsInTheQueryStringCreatesAndDescribesATask() {
        start();
        Answer created = get(Action.CREATE.apiName(), "InstanceId=crs-abcd1234&Product=redis");
        assertThat(created.errorCode()).as(created.toString()).isNull();
        long id = created.response().get("AsyncRequestId").longValue();
        Answer described = get(Action.DESCRIBE.apiName(),
                "Product=redis&AsyncRequestIds.0=" + id + "&InstanceId=crs-abcd1234");
        assertThat(described.errorCode()).as(described.toString()).isNull();
        assertThat(described.response().get("Tasks").get(0).get("AsyncRequestId").longValue()).isEqualTo(id);
    }

    @Test
    void theQueryStringIsSignedExactlyAsSent() {
        start();
        assertThat(get(Action.CREATE.apiName(), "InstanceId=crs-abcd1234&Product=redis",
                "Product=redis&InstanceId=crs-abcd1234", null, FORM).errorCode())
                .as("re-ordered").isEqualTo("AuthFailure.SignatureFailure");
        assertThat(get(Action.CREATE.apiName(), "InstanceId=crs%2Dabcd1234&Product=redis").errorCode())
                .as("an escape, signed as sent").isNull();
    }

    @Test
    void aGetWithAJsonContentTypeIsInvalidParameter() {
        start();
        Answer answer = get(Action.CREATE.apiName(), "InstanceId=crs-abcd1234&Product=redis",
                "InstanceId=crs-abcd1234&Product=redis", null, "application/json");
        assertThat(answer.errorCode()).isEqualTo("InvalidParameter");
        assertThat(answer.errorMessage()).contains("application/x-www-form-urlencoded");
    }

    @Test
    void aGetsFieldsAreCheckedLikeAJsonBodys() {
        start();
        assertThat(get(Action.CREATE.apiName(), "InstanceId=crs-abcd1234").errorCode()).isEqualTo("MissingParameter");
        assertThat(get(Action.CREATE.apiName(), "InstanceId=crs-abcd1234&Product=redis&Limit=1").errorCode())
                .isEqualTo("UnknownParameter");
        assertThat(get(Action.DESCRIBE.apiName(), "InstanceId=crs-abcd1234&Product=redis&AsyncRequestIds=1")
                .errorCode()).isEqualTo("InvalidParameter");
    }

    @Test
    void aTc3SignatureOverTheHostWithoutItsPortIsAcceptedUnlessHostMatchingIsStrict() {
        start();
        assertThat(calls.create(SignedCalls.INSTANCE).signedHost("127.0.0.1").exchange().errorCode()).isNull();
        assertThat(get(Action.CREATE.apiName(), "InstanceId=crs-abcd1234&Product=redis",
                "InstanceId=crs-abcd1234&Product=redis", "127.0.0.1", FORM).errorCode()).isNull();
        assertThat(calls.create(SignedCalls.INSTANCE).signedHost("127.0.0.2").exchange().errorCode())
                .as("another host").isEqualTo("AuthFailure.SignatureFailure");
        calls.close();
        emulator.stop();
        start(b -> b.strictHostMatching(true));
        assertThat(calls.create(SignedCalls.INSTANCE).signedHost("127.0.0.1").exchange().errorCode())
                .isEqualTo("AuthFailure.SignatureFailure");
        assertThat(calls.create(SignedCalls.INSTANCE).exchange().errorCode()).isNull();
    }
}
