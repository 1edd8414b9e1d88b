package dev.dbbrain.reactive.emulator;

import dev.dbbrain.reactive.internal.Tc3Signer;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a request says about itself, read for the {@link RecordedRequest} whether or not it is valid: its common
 * parameters, its fields flattened, its headers and body, minus every secret. Reading never fails: what cannot be
 * decoded is left out. Pure; runs on the event loop.
 *
 * @param action the action named, or null
 * @param version the version named, or null
 * @param region the region, or null
 * @param language the language, or null
 * @param timestamp the signing time, or null
 * @param secretId the SecretId, or null
 * @param signatureMethod the signature's algorithm, or null
 * @param signedHeaders the TC3 signed header names
 * @param parameters the action's fields, flattened
 * @param headers the headers received but {@code Authorization} and {@code X-TC-Token}
 * @param body the body of a TC3 request up to {@link #MAX_KEPT_BODY} bytes, else empty
 */
record RequestFacts(String action, String version, String region, String language, Instant timestamp,
        String secretId, String signatureMethod, List<String> signedHeaders, Map<String, String> parameters,
        List<Map.Entry<String, String>> headers, byte[] body) {

    /**
     * Bodies and fields are recorded up to this size: the API's bodies are far smaller (a Describe of a thousand
     * tasks is 10 KiB), and a full log of recordings stays within tens of megabytes.
     */
    static final int MAX_KEPT_BODY = 16 * 1024;

    private static final byte[] NONE = new byte[0];

    static RequestFacts of(String method, String target, HttpHeaders headers, RequestBody body) {
        List<Map.Entry<String, String>> kept = new ArrayList<>(headers.size());
        for (Map.Entry<String, String> header : headers) {
            if (!RecordedRequest.secretHeader(header.getKey())) {
                kept.add(new AbstractMap.SimpleImmutableEntry<>(header.getKey(), header.getValue()));
            }
        }
        boolean small = !body.oversize() && body.bytes().length <= MAX_KEPT_BODY;
        if (RequestAuthenticator.isV1(method, headers)) {
            return v1(method, target, body, small, Collections.unmodifiableList(kept));
        }
        String query = RequestTarget.query(target);
        Map<String, String> parameters;
        if ("GET".equals(method)) {
            parameters = form(query);
        } else {
            parameters = small ? JsonFlattener.flatten(body.bytes()) : Map.of();
        }
        parameters.keySet().removeIf(name -> name.equals(SignatureV1.SIGNATURE) || name.equals("Token"));
        AuthorizationHeader auth = AuthorizationHeader.parse(headers.get(HttpHeaderNames.AUTHORIZATION))
                .orElse(null);
        return new RequestFacts(headers.get(ApiCall.ACTION_HEADER), headers.get(ApiCall.VERSION_HEADER),
                headers.get("X-TC-Region"), headers.get("X-TC-Language"),
                seconds(headers.get(ApiCall.TIMESTAMP_HEADER)), auth == null ? null : auth.secretId(),
                auth == null ? null : Tc3Signer.ALGORITHM, auth == null ? List.of() : auth.signedHeaders(),
                Collections.unmodifiableMap(parameters), Collections.unmodifiableList(kept),
                small ? body.bytes() : NONE);
    }

    private static RequestFacts v1(String method, String target, RequestBody body, boolean small,
            List<Map.Entry<String, String>> headers) {
        Map<String, String> all = "GET".equals(method) ? form(RequestTarget.query(target))
                : small ? form(body.bytes()) : new LinkedHashMap<>();
        Map<String, String> fields = new LinkedHashMap<>(all);
        fields.keySet().removeAll(SignatureV1Verifier.COMMON);
        String signatureMethod = all.containsKey(SignatureV1.SIGNATURE)
                ? all.getOrDefault("SignatureMethod", SignatureV1.DEFAULT_METHOD) : null;
        return new RequestFacts(all.get("Action"), all.get("Version"), all.get("Region"), all.get("Language"),
                seconds(all.get("Timestamp")), all.get("SecretId"), signatureMethod, List.of(),
                Collections.unmodifiableMap(fields), headers, NONE);
    }

    private static Map<String, String> form(String query) {
        try {
            return new LinkedHashMap<>(FormParameters.parse(query).all());
        } catch (ApiFailure malformed) {
            return new LinkedHashMap<>();
        }
    }

    private static Map<String, String> form(byte[] body) {
        try {
            return new LinkedHashMap<>(FormParameters.parse(body).all());
        } catch (ApiFailure malformed) {
            return new LinkedHashMap<>();
        }
    }

    private static Instant seconds(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(value.trim()));
        } catch (RuntimeException notSeconds) {
            return null;
        }
    }
}
