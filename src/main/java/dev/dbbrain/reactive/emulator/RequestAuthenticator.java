package dev.dbbrain.reactive.emulator;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Tells the two signatures apart and verifies the request with the right one.
 *
 * <p>A request with an {@code Authorization} or {@code X-TC-Action} header is TC3 (POST with a JSON body, or GET
 * with the fields in the query string). Otherwise a GET, or a POST with a form body, is signature v1, its common
 * parameters ({@code Action}, {@code Signature}...) beside the fields in the query string or the form. Anything else
 * is taken as TC3 and fails at its first missing header.
 */
final class RequestAuthenticator {

    private final SignatureVerifier tc3;
    private final SignatureV1Verifier v1;

    RequestAuthenticator(CredentialStore credentials, HostMatch hosts) {
        this.tc3 = new SignatureVerifier(credentials, hosts);
        this.v1 = new SignatureV1Verifier(tc3, hosts);
    }

    AuthenticatedCall authenticate(String method, String target, HttpHeaders headers, byte[] body, long nowMillis) {
        if (isV1(method, headers)) {
            return v1.verify(method, RequestTarget.path(target), headers.get(HttpHeaderNames.HOST),
                    v1Parameters(method, target, body), nowMillis);
        }
        ApiCall call = ApiCall.from(headers);
        String query = RequestTarget.query(target);
        String secretId = tc3.verify(call.action(), method, query, headers, body, call.timestamp(), nowMillis);
        return new AuthenticatedCall(call.action(), secretId, "GET".equals(method)
                ? () -> new FlatParameters(FormParameters.parse(query).all())
                : () -> JsonCallParameters.parse(body));
    }

    /**
     * The action a request names, for the statistics: its {@code X-TC-Action}, or its v1 {@code Action}
     * parameter; null when it names none (or its parameters cannot be decoded).
     */
    static String actionName(String method, String target, HttpHeaders headers, byte[] body) {
        String header = headers.get(ApiCall.ACTION_HEADER);
        if (header != null || !isV1(method, headers)) {
            return header;
        }
        try {
            return v1Parameters(method, target, body).get("Action");
        } catch (ApiFailure malformed) {
            return null;
        }
    }

    /**
     * Checks the Content-Type of a TC3 request, right after its signature (a v1 request's form is its own
     * Content-Type).
     */
    static void checkContentType(String method, HttpHeaders headers) {
        if (!isV1(method, headers)) {
            SignatureVerifier.checkContentType(method, headers.get(HttpHeaderNames.CONTENT_TYPE));
        }
    }

    /** Whether a request is signed with v1: no TC3 header, and a GET or a form POST. */
    static boolean isV1(String method, HttpHeaders headers) {
        return !headers.contains(HttpHeaderNames.AUTHORIZATION) && !headers.contains(ApiCall.ACTION_HEADER)
                && ("GET".equals(method) || ContentTypes.isForm(headers.get(HttpHeaderNames.CONTENT_TYPE)));
    }

    private static FormParameters v1Parameters(String method, String target, byte[] body) {
        return "GET".equals(method) ? FormParameters.parse(RequestTarget.query(target)) : FormParameters.parse(body);
    }
}
