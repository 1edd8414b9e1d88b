package dev.dbbrain.reactive.emulator;

import dev.dbbrain.reactive.internal.Tc3Signer;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Checks the TC3-HMAC-SHA256 authorization of a request the way the service does, first failure wins: shape of
 * the header, timestamp skew, SecretId, credential scope (the action's service: {@code dbbrain}, or {@code sts} for
 * AssumeRole), signature, token (present, equal, and for issued credentials not expired). The Content-Type
 * ({@code application/json} for POST, {@code application/x-www-form-urlencoded} for GET) is checked right after,
 * with {@link #checkContentType}: a request with it wrong was still signed correctly.
 *
 * <p>The signature is recomputed from the header values actually received, the query string as received (GET) and
 * the exact body bytes, so a client that sends something other than what it signed (a re-encoded body, a
 * {@code Content-Type} with a different charset spelling, a re-ordered query) fails here as it would against the
 * real endpoint. The one leniency is the {@link HostMatch host}: by default a signature over the Host without its
 * port is accepted too.
 *
 * <p>The canonical request, as the official signing page defines it:
 * <pre>
 * METHOD + "\n" + "/" + "\n" + (GET: the query string as sent; POST: "") + "\n"
 *   + for each signed header, sorted: name + ":" + lower(trim(value)) + "\n"
 *   + "\n" + signed header names joined by ";" + "\n" + hex(sha256(body))
 * </pre>
 */
final class SignatureVerifier {

    /** The service of the emulator's own warm-up request. */
    static final String SERVICE = "dbbrain";
    static final long MAX_SKEW_SECONDS = 300;
    static final String TOKEN_HEADER = "X-TC-Token";

    private static final String CHECK_SIGNATURE =
            "The provided credentials could not be validated. Please check your signature is correct.";

    private final CredentialStore credentials;
    private final HostMatch hosts;

    SignatureVerifier(CredentialStore credentials, HostMatch hosts) {
        this.credentials = credentials;
        this.hosts = hosts;
    }

    /**
     * Verifies a TC3 request of {@code action} and returns the SecretId it was signed with.
     *
     * @param method {@code GET} or {@code POST}
     * @param query the query string as received (signed for GET only)
     */
    String verify(Action action, String method, String query, HttpHeaders headers, byte[] body, long timestamp,
            long nowMillis) {
        String service = action.service();
        AuthorizationHeader auth = AuthorizationHeader.parse(headers.get(HttpHeaderNames.AUTHORIZATION))
                .orElseThrow(() -> ApiFailure.authFailure("InvalidAuthorization", "The Authorization header is "
                        + "missing or malformed; expected `TC3-HMAC-SHA256 Credential=<SecretId>/<date>/<service>"
                        + "/tc3_request, SignedHeaders=<names>, Signature=<signature>`."));
        if (!auth.signedHeaders().contains("content-type") || !auth.signedHeaders().contains("host")) {
            throw ApiFailure.authFailure("InvalidAuthorization",
                    "SignedHeaders of the Authorization header must include `content-type` and `host`.");
        }
        checkTimestamp(timestamp, nowMillis);
        Credential credential = credential(auth.secretId());
        if (!service.equals(auth.service())) {
            throw signatureFailure("the credential scope names service " + ApiFailure.quote(auth.service())
                    + ", expected `" + service + "`.");
        }
        if (!Tc3Signer.utcDate(timestamp).equals(auth.date())) {
            throw signatureFailure("the credential scope date " + ApiFailure.quote(auth.date())
                    + " is not the UTC date of the timestamp, `" + Tc3Signer.utcDate(timestamp) + "`.");
        }
        SortedMap<String, String> signed = signedHeaders(auth, headers);
        String canonicalQuery = "GET".equals(method) ? query : "";
        boolean matched = false;
        for (String host : hosts.candidates(signed.get("host"))) {
            signed.put("host", host);
            String stringToSign = Tc3Signer.stringToSign(timestamp, auth.date(), service,
                    canonicalRequest(method, canonicalQuery, signed, body));
            if (constantTimeEquals(Tc3Signer.signature(credential.secretKey(), auth.date(), service, stringToSign),
                    auth.signature())) {
                matched = true;
                break;
            }
        }
        if (!matched) {
            throw signatureFailure("the signature does not match the request received.");
        }
        checkToken(credential, headers.get(TOKEN_HEADER), TOKEN_HEADER, nowMillis);
        return auth.secretId();
    }

    /** The canonical request of the official signing page (see the class comment). */
    static String canonicalRequest(String method, String canonicalQuery, SortedMap<String, String> signedHeaders,
            byte[] payload) {
        StringBuilder sb = new StringBuilder(256).append(method).append("\n/\n").append(canonicalQuery).append('\n');
        signedHeaders.forEach((name, value) ->
                sb.append(name).append(':').append(value.trim().toLowerCase(Locale.ROOT)).append('\n'));
        return sb.append('\n').append(String.join(";", signedHeaders.keySet())).append('\n')
                .append(Tc3Signer.sha256Hex(payload)).toString();
    }

    /** Fails with {@code AuthFailure.SignatureExpire} when the timestamp is more than 300 s off the clock. */
    static void checkTimestamp(long timestamp, long nowMillis) {
        long nowSeconds = Math.floorDiv(nowMillis, 1000);
        if (timestamp < nowSeconds - MAX_SKEW_SECONDS || timestamp > nowSeconds + MAX_SKEW_SECONDS) {
            throw ApiFailure.authFailure("SignatureExpire", "Signature expired. Timestamp date: " + timestamp
                    + ", server date: " + nowSeconds + "; they may differ by at most 300 seconds.");
        }
    }

    /** The key pair of a SecretId, or {@code AuthFailure.SecretIdNotFound}. */
    Credential credential(String secretId) {
        Credential credential = credentials.find(secretId);
        if (credential == null) {
            throw ApiFailure.authFailure("SecretIdNotFound",
                    "SecretId is not found, please ensure that your SecretId is correct.");
        }
        return credential;
    }

    /**
     * Fails with {@code AuthFailure.TokenFailure} when temporary credentials come without their token (sent as
     * {@code where}) or have expired.
     */
    void checkToken(Credential credential, String token, String where, long nowMillis) {
        if (credential.temporary() && !constantTimeEquals(credential.token(), token)) {
            throw ApiFailure.authFailure("TokenFailure",
                    "The token is invalid or missing: temporary credentials need their " + where + ".");
        }
        if (credentials.expired(credential.secretId(), nowMillis)) {
            throw ApiFailure.authFailure("TokenFailure", "The token has expired: request new temporary credentials.");
        }
    }

    static ApiFailure signatureFailure(String detail) {
        return ApiFailure.authFailure("SignatureFailure", CHECK_SIGNATURE + " Hint: " + detail);
    }

    /** Compares in time independent of where the strings differ, so a value cannot be guessed byte by byte. */
    static boolean constantTimeEquals(String expected, String actual) {
        return actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                actual.getBytes(StandardCharsets.UTF_8));
    }

    private static SortedMap<String, String> signedHeaders(AuthorizationHeader auth, HttpHeaders headers) {
        SortedMap<String, String> signed = new TreeMap<>();
        for (String name : auth.signedHeaders()) {
            String value = headers.get(name);
            if (value == null) {
                throw signatureFailure("the signed header " + ApiFailure.quote(name) + " is not in the request.");
            }
            signed.put(name, value);
        }
        return signed;
    }

    /** Fails with {@code InvalidParameter} when a TC3 request's Content-Type is not one the service accepts. */
    static void checkContentType(String method, String contentType) {
        if ("GET".equals(method)) {
            if (!ContentTypes.isForm(contentType)) {
                throw ApiFailure.invalidParameter("The Content-Type " + ApiFailure.quote(String.valueOf(contentType))
                        + " is not supported for GET; use `application/x-www-form-urlencoded`.");
            }
        } else if (!"application/json".equalsIgnoreCase(contentType)
                && !"application/json; charset=utf-8".equalsIgnoreCase(contentType)) {
            throw ApiFailure.invalidParameter("The Content-Type " + ApiFailure.quote(String.valueOf(contentType))
                    + " is not supported; use `application/json` or `application/json; charset=utf-8`.");
        }
    }
}
