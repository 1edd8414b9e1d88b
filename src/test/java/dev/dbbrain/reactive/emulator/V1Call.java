package dev.dbbrain.reactive.emulator;

import com.tencentcloudapi.common.Sign;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * A signature v1 request to an emulator, signed with the official Java SDK's own v1 signer ({@code Sign}), with
 * every part open to change so that a test can break exactly one thing.
 */
final class V1Call {

    private final DbbrainEmulator emulator;
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private String method = "POST";
    private String secretKey = SignedCalls.SECRET_KEY;
    private String signatureMethod = "HmacSHA256";
    private String signedHost;
    private String rawBody;
    private final Map<String, String> afterSigning = new LinkedHashMap<>();

    private V1Call(DbbrainEmulator emulator, String action, long timestamp) {
        this.emulator = emulator;
        parameters.put("Action", action);
        parameters.put("Version", action.equals("AssumeRole") ? "2018-08-13" : "2021-05-27");
        parameters.put("Timestamp", Long.toString(timestamp));
        parameters.put("Nonce", "11886");
        parameters.put("SecretId", SignedCalls.SECRET_ID);
        parameters.put("SignatureMethod", signatureMethod);
    }

    static V1Call create(DbbrainEmulator emulator, long timestamp, String instanceId) {
        return new V1Call(emulator, Action.CREATE.apiName(), timestamp).with("InstanceId", instanceId)
                .with("Product", "redis");
    }

    static V1Call describe(DbbrainEmulator emulator, long timestamp, String instanceId, long... ids) {
        V1Call call = new V1Call(emulator, Action.DESCRIBE.apiName(), timestamp).with("InstanceId", instanceId)
                .with("Product", "redis");
        for (int i = 0; i < ids.length; i++) {
            call.with("AsyncRequestIds." + i, Long.toString(ids[i]));
        }
        return call;
    }

    /** Sets (or with null removes) a parameter. */
    V1Call with(String name, String value) {
        if (value == null) {
            parameters.remove(name);
        } else {
            parameters.put(name, value);
        }
        return this;
    }

    /** Changes (or with null removes) a parameter once the request is signed, Signature included. */
    V1Call after(String name, String value) {
        afterSigning.put(name, value);
        return this;
    }

    V1Call get() {
        this.method = "GET";
        return this;
    }

    V1Call key(String secretKey) {
        this.secretKey = secretKey;
        return this;
    }

    /** Signs with this algorithm and sends it as SignatureMethod; null sends none (and signs with HmacSHA1). */
    V1Call signatureMethod(String name) {
        this.signatureMethod = name;
        return with("SignatureMethod", name);
    }

    /** Signs with this algorithm whatever SignatureMethod says. */
    V1Call signWith(String algorithm) {
        this.signatureMethod = algorithm;
        return this;
    }

    V1Call signedHost(String host) {
        this.signedHost = host;
        return this;
    }

    /** Sends this body as it is, unsigned (POST). */
    V1Call rawBody(String body) {
        this.rawBody = body;
        return this;
    }

    String host() {
        return "127.0.0.1:" + emulator.port();
    }

    Answer exchange() {
        Map<String, String> sent = new LinkedHashMap<>(parameters);
        if (!sent.containsKey("Signature")) {
            try {
                String toSign = Sign.makeSignPlainText(new TreeMap<>(parameters), method,
                        signedHost != null ? signedHost : host(), "/");
                sent.put("Signature", Sign.sign(secretKey, toSign,
                        signatureMethod == null ? "HmacSHA1" : signatureMethod));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        afterSigning.forEach((name, value) -> {
            if (value == null) {
                sent.remove(name);
            } else {
                sent.put(name, value);
            }
        });
        String encoded = sent.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpClient client = HttpClient.create().disableRetry(true).responseTimeout(SignedCalls.TIMEOUT);
        HttpClient.ResponseReceiver<?> request;
        if (method.equals("GET")) {
            request = client.get().uri(emulator.endpoint() + "/?" + encoded);
        } else {
            String body = rawBody != null ? rawBody : encoded;
            request = client.headers(h -> h.set("Content-Type", "application/x-www-form-urlencoded"))
                    .request(HttpMethod.POST).uri(emulator.endpoint() + "/")
                    .send((req, out) -> out.sendString(Mono.just(body)));
        }
        return request.responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> new Answer(response.status().code(),
                                new DefaultHttpHeaders().add(response.responseHeaders()), bytes)))
                .block(SignedCalls.TIMEOUT);
    }
}
