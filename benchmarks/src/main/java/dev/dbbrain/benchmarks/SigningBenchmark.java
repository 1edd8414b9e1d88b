package dev.dbbrain.benchmarks;

import com.tencentcloudapi.common.DatatypeConverter;
import com.tencentcloudapi.common.Sign;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import dev.dbbrain.reactive.internal.Tc3Signer;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The signing work of one request, from body bytes to the Authorization header: ours ({@link Tc3Signer}, signing
 * key derived once a day) against the official SDK's ({@code AbstractClient.doRequestWithTC3} of
 * tencentcloud-sdk-java 3.1.1000, which is private: reproduced statement by statement with the SDK's own public
 * {@code Sign} and {@code DatatypeConverter}, as its bytecode does them). {@link #setup()} checks that both give
 * the same header for the same timestamp. Both read the clock, as each client does per request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SigningBenchmark {

    private static final String SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
    private static final String SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    private static final String HOST = "dbbrain.tencentcloudapi.com";
    private static final String CONTENT_TYPE = "application/json; charset=utf-8";
    private static final byte[] PAYLOAD = "{\"InstanceId\":\"crs-abcd1234\",\"AsyncRequestIds\":[14672492],\"Product\":\"redis\"}"
            .getBytes(StandardCharsets.UTF_8);

    private Tc3Signer signer;

    /** Creates the signer and proves the two paths sign identically. */
    @Setup
    public void setup() throws TencentCloudSDKException {
        signer = new Tc3Signer();
        long timestamp = System.currentTimeMillis() / 1000;
        String ours = signer.authorization(SECRET_ID, SECRET_KEY, HOST, CONTENT_TYPE, PAYLOAD, timestamp, "dbbrain",
                Map.of());
        String sdk = sdkAuthorization(String.valueOf(timestamp));
        if (!ours.equals(sdk)) {
            throw new IllegalStateException("signatures differ:\n" + ours + "\n" + sdk);
        }
    }

    /** Ours, as the client signs each request: signing key memoised. */
    @Benchmark
    public String ours() {
        return signer.authorization(SECRET_ID, SECRET_KEY, HOST, CONTENT_TYPE, PAYLOAD,
                System.currentTimeMillis() / 1000, "dbbrain", Map.of());
    }

    /** Ours with a new signer each time, so the signing key is derived per request as the SDK does. */
    @Benchmark
    public String oursWithoutKeyMemo() {
        return new Tc3Signer().authorization(SECRET_ID, SECRET_KEY, HOST, CONTENT_TYPE, PAYLOAD,
                System.currentTimeMillis() / 1000, "dbbrain", Map.of());
    }

    /** The SDK's per-request signing work. */
    @Benchmark
    public String sdk() throws TencentCloudSDKException {
        return sdkAuthorization(String.valueOf(System.currentTimeMillis() / 1000));
    }

    /** {@code AbstractClient.doRequestWithTC3} of the SDK, from the body bytes to the Authorization header. */
    static String sdkAuthorization(String timestamp) throws TencentCloudSDKException {
        String canonicalUri = "/";
        String canonicalQueryString = "";
        String canonicalHeaders = "content-type:" + CONTENT_TYPE + "\nhost:" + HOST + "\n";
        String signedHeaders = "content-type;host";
        String hashedRequestPayload = Sign.sha256Hex(PAYLOAD);
        String canonicalRequest = "POST" + "\n" + canonicalUri + "\n" + canonicalQueryString + "\n"
                + canonicalHeaders + "\n" + signedHeaders + "\n" + hashedRequestPayload;
        SimpleDateFormat sdf = new SimpleDateFormat("yyyy-MM-dd");
        sdf.setTimeZone(TimeZone.getTimeZone("UTC"));
        String date = sdf.format(new java.sql.Date(Long.valueOf(timestamp + "000")));
        String service = HOST.split("\\.")[0];
        String credentialScope = date + "/" + service + "/" + "tc3_request";
        String hashedCanonicalRequest = Sign.sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
        String stringToSign = "TC3-HMAC-SHA256\n" + timestamp + "\n" + credentialScope + "\n"
                + hashedCanonicalRequest;
        byte[] secretDate = Sign.hmac256(("TC3" + SECRET_KEY).getBytes(StandardCharsets.UTF_8), date);
        byte[] secretService = Sign.hmac256(secretDate, service);
        byte[] secretSigning = Sign.hmac256(secretService, "tc3_request");
        String signature = DatatypeConverter.printHexBinary(Sign.hmac256(secretSigning, stringToSign)).toLowerCase();
        return "TC3-HMAC-SHA256 " + "Credential=" + SECRET_ID + "/" + credentialScope + ", "
                + "SignedHeaders=" + signedHeaders + ", " + "Signature=" + signature;
    }
}
