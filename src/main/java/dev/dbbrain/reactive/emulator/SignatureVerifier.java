package dev.dbbrain.reactive.emulator;

import dev.dbbrain.reactive.internal.Tc3Signer;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Checks the TC3-HMAC-SHA256 authorization of a request the way the service does, first failure wins: shape of
 * the header, timestamp skew, SecretId, credential scope (the action's service: {@code dbbrain}, or {@code sts} for
 * AssumeRole), signature, token (present, equal, and for issued credentials not expired), then Content-Type.
 *
 * <p>The signature is recomputed from the header values actually received and the exact body bytes with
 * {@link Tc3Signer}, so a client that sends something other than what it signed (a re-encoded body, a
 * {@code Content-Type} with a different charset spelling, a Host without the port) fails here as it would
 * against the real endpoint.
 */
final class SignatureVerifier {

    /** The service of the emulator's own warm-up request. */
    static final String SERVICE = "dbbrain";
    static final long MAX_SKEW_SECONDS = 300;
    static final String TOKEN_HEADER = "X-TC-Token";

    private static final String CHECK_SIGNATURE =
            "The provided credentials could not be validated. Please check your signature is correct.";

    private final CredentialStore credentials;

    SignatureVerifier(CredentialStore credentials) {
        this.credentials = credentials;
    }

    /** Verifies a request of {@code action} and returns the SecretId it was signed with. */
    String verify(Action action, HttpHeaders headers, byte[] body, long timestamp, long nowMillis) {
        long nowSeconds = Math.floorDiv(nowMillis, 1000);
        String service = action.service();
        AuthorizationHeader auth = AuthorizationHeader.parse(headers.get(HttpHeaderNames.AUTHORIZATION))
                .orElseThrow(() -> ApiFailure.authFailure("InvalidAuthorization", "The Authorization header is "
                        + "missing or malformed; expected `TC3-HMAC-SHA256 Credential=<SecretId>/<date>/<service>"
                        + "/tc3_request, SignedHeaders=<names>, Signature=<signature>`."));
        if (!auth.signedHeaders().contains("content-type") || !auth.signedHeaders().contains("host")) {
            throw ApiFailure.authFailure("InvalidAuthorization",
                    "SignedHeaders of the Authorization header must include `content-type` and `host`.");
        }
        if (timestamp < nowSeconds - MAX_SKEW_SECONDS || timestamp > nowSeconds + MAX_SKEW_SECONDS) {
            throw ApiFailure.authFailure("SignatureExpire", "Signature expired. Timestamp date: " + timestamp
                    + ", server date: " + nowSeconds + "; they may differ by at most 300 seconds.");
        }
        Credential credential = credentials.find(auth.secretId());
        if (credential == null) {
            throw ApiFailure.authFailure("SecretIdNotFound",
                    "SecretId is not found, please ensure that your SecretId is correct.");
        }
        if (!service.equals(auth.service())) {
            throw signatureFailure("the credential scope names service " + ApiFailure.quote(auth.service())
                    + ", expected `" + service + "`.");
        }
        if (!Tc3Signer.utcDate(timestamp).equals(auth.date())) {
            throw signatureFailure("the credential scope date " + ApiFailure.quote(auth.date())
                    + " is not the UTC date of the timestamp, `" + Tc3Signer.utcDate(timestamp) + "`.");
        }
        String expected = expectedSignature(credential, service, auth, headers, body, timestamp);
        if (!constantTimeEquals(expected, auth.signature())) {
            throw signatureFailure("the signature does not match the request received.");
        }
        if (credential.temporary() && !constantTimeEquals(credential.token(), headers.get(TOKEN_HEADER))) {
            throw ApiFailure.authFailure("TokenFailure",
                    "The token is invalid or missing: temporary credentials need their X-TC-Token.");
        }
        if (credentials.expired(auth.secretId(), nowMillis)) {
            throw ApiFailure.authFailure("TokenFailure", "The token has expired: request new temporary credentials.");
        }
        String contentType = headers.get(HttpHeaderNames.CONTENT_TYPE);
        if (!"application/json".equalsIgnoreCase(contentType)
                && !"application/json; charset=utf-8".equalsIgnoreCase(contentType)) {
            throw ApiFailure.invalidParameter("The Content-Type " + ApiFailure.quote(String.valueOf(contentType))
                    + " is not supported; use `application/json` or `application/json; charset=utf-8`.");
        }
        return auth.secretId();
    }

    private static String expectedSignature(Credential credential, String service, AuthorizationHeader auth,
            HttpHeaders headers, byte[] body, long timestamp) {
        SortedMap<String, String> signed = new TreeMap<>();
        for (String name : auth.signedHeaders()) {
            String value = headers.get(name);
            if (value == null) {
                throw signatureFailure("the signed header " + ApiFailure.quote(name) + " is not in the request.");
            }
            signed.put(name, value);
        }
        String canonicalRequest = Tc3Signer.canonicalRequest(signed, body);
        String stringToSign = Tc3Signer.stringToSign(timestamp, auth.date(), service, canonicalRequest);
        return Tc3Signer.signature(credential.secretKey(), auth.date(), service, stringToSign);
    }

    private static ApiFailure signatureFailure(String detail) {
        return ApiFailure.authFailure("SignatureFailure", CHECK_SIGNATURE + " Hint: " + detail);
    }

    /** Compares in time independent of where the strings differ, so a value cannot be guessed byte by byte. */
    private static boolean constantTimeEquals(String expected, String actual) {
        return actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                actual.getBytes(StandardCharsets.UTF_8));
    }
}
