package dev.dbbrain.reactive.emulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Checks a signature v1 request ({@link SignatureV1}) the way the service checks TC3, with the same codes, first
 * failure wins: {@code Action}, {@code Version} and {@code Timestamp} (as TC3), {@code Nonce}, {@code SecretId},
 * {@code Signature} present, {@code SignatureMethod} ({@code HmacSHA1} when absent), timestamp skew
 * ({@code AuthFailure.SignatureExpire}), SecretId known ({@code AuthFailure.SecretIdNotFound}), signature
 * ({@code AuthFailure.SignatureFailure}), then {@code Token} for temporary credentials
 * ({@code AuthFailure.TokenFailure}).
 *
 * <p>{@code Nonce} must be an unsigned integer; 0 is accepted, as the official Node SDK draws it from 0 to 65535.
 * A repeated nonce is not refused: the service documents no code for it.
 */
final class SignatureV1Verifier {

    /** The common parameters of a v1 request: everything else is the action's own. */
    static final Set<String> COMMON = Set.of("Action", "Version", "Region", "Timestamp", "Nonce", "SecretId",
            SignatureV1.SIGNATURE, "SignatureMethod", "Token", "Language", "RequestClient");

    private final SignatureVerifier checks;
    private final HostMatch hosts;

    SignatureV1Verifier(SignatureVerifier checks, HostMatch hosts) {
        this.checks = checks;
        this.hosts = hosts;
    }

    /**
     * Verifies a v1 request and returns it with the action's own fields.
     *
     * @param method {@code GET} or {@code POST}
     * @param path the request path
     * @param host the Host header received, or null
     * @param parameters every parameter of the query string (GET) or form body (POST)
     */
    AuthenticatedCall verify(String method, String path, String host, FormParameters parameters, long nowMillis) {
        ApiCall call = ApiCall.from(parameters);
        String nonce = required(parameters, "Nonce");
        if (nonce.length() > 19 || !nonce.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw ApiFailure.invalidParameter("The parameter `Nonce` must be a positive integer, got "
                    + ApiFailure.quote(nonce) + ".");
        }
        String secretId = required(parameters, "SecretId");
        String signature = required(parameters, SignatureV1.SIGNATURE);
        String signatureMethod = parameters.get("SignatureMethod");
        String algorithm = signatureMethod == null ? SignatureV1.DEFAULT_METHOD : signatureMethod;
        if (!SignatureV1.supported(algorithm)) {
            throw ApiFailure.invalidParameterValue("The parameter `SignatureMethod` must be `HmacSHA1` or "
                    + "`HmacSHA256`, got " + ApiFailure.quote(algorithm) + ".");
        }
        SignatureVerifier.checkTimestamp(call.timestamp(), nowMillis);
        Credential credential = checks.credential(secretId);
        SortedMap<String, String> sorted = new TreeMap<>(parameters.all());
        boolean matched = false;
        for (String candidate : hosts.candidates(host)) {
            String expected = SignatureV1.sign(credential.secretKey(), algorithm,
                    SignatureV1.stringToSign(method, candidate, path, sorted));
            if (SignatureVerifier.constantTimeEquals(expected, signature)) {
                matched = true;
                break;
            }
        }
        if (!matched) {
            throw SignatureVerifier.signatureFailure("the " + algorithm + " signature does not match the request"
                    + " received (signed: " + method + " + host + path + `?` + the sorted parameters, decoded).");
        }
        checks.checkToken(credential, parameters.get("Token"), "Token parameter", nowMillis);
        Map<String, String> fields = new LinkedHashMap<>(parameters.all());
        fields.keySet().removeAll(COMMON);
        return new AuthenticatedCall(call.action(), secretId, () -> new FlatParameters(fields));
    }

    private static String required(FormParameters parameters, String name) {
        String value = parameters.get(name);
        if (value == null || value.isEmpty()) {
            throw ApiFailure.missingParameter(name);
        }
        return value;
    }
}
