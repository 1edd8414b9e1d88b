package dev.dbbrain.reactive.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.internal.Tc3Signer;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Fuzz targets of the emulator's request parsers (run by {@code dev.dbbrain.reactive.fuzz}): whatever a client
 * sends, each ends in the action's parameters or in an {@link ApiFailure} (the error answer the emulator writes),
 * never in another exception, which the emulator would answer as {@code InternalError}.
 */
public final class RequestParserTargets {

    /** The key pair the {@link #request} target's emulator accepts. */
    public static final String SECRET_ID = "AKIDfuzzEmulator0001";
    public static final String SECRET_KEY = "fuzz-emulator-secret-key";
    /** The emulator's clock in the {@link #request} target: 2023-11-14T22:13:20Z. */
    public static final long NOW_MILLIS = 1_700_000_000_000L;
    /** In a request's Authorization header, replaced by the signature of what the target received. */
    public static final String TC3_PLACEHOLDER = "0".repeat(64);
    /** As a v1 {@code Signature} value, replaced by the signature of what the target received. */
    public static final String V1_PLACEHOLDER = "SIGNATURE";

    private static final RequestAuthenticator AUTHENTICATOR = new RequestAuthenticator(
            new CredentialStore(Map.of(SECRET_ID, new Credential(SECRET_ID, SECRET_KEY, null))), new HostMatch(false));

    private RequestParserTargets() {
    }

    /** A form body or query string, read as each action's fields. */
    public static void flatParameters(byte[] form) {
        CallParameters parameters;
        try {
            parameters = new FlatParameters(FormParameters.parse(form).all());
        } catch (ApiFailure refused) {
            return;
        }
        actions(parameters);
    }

    /** A JSON request body, read as each action's fields. */
    public static void jsonBody(byte[] json) {
        CallParameters parameters;
        try {
            parameters = JsonCallParameters.parse(json);
        } catch (ApiFailure refused) {
            return;
        }
        actions(parameters);
    }

    /**
     * A whole request, as text: {@code METHOD target}, header lines {@code Name: value}, an empty line, the body.
     * It goes through what the emulator does before the action itself: the path, the statistics' action name, the
     * TC3 or v1 authorization, then the action's fields. A {@value #TC3_PLACEHOLDER} signature in a TC3
     * Authorization header, or a {@value #V1_PLACEHOLDER} v1 {@code Signature}, is first replaced by the signature
     * of the request as received, so that mutated requests get past the signature to the checks behind it.
     */
    public static void request(byte[] raw) {
        outcome(raw);
    }

    /**
     * What {@link #request} made of a request: the action whose fields it read, {@code refused <code>} when the
     * emulator answers an error, or {@code not served} for what never reaches its API.
     */
    public static String outcome(byte[] raw) {
        Request request = Request.parse(raw);
        if (request == null) {
            return "not served";
        }
        request = request.signed();
        RequestTarget.servable(request.target);
        RequestAuthenticator.actionName(request.method, request.target, request.headers, request.body);
        if (!"/".equals(RequestTarget.path(request.target))) {
            return "refused path";
        }
        AuthenticatedCall call;
        CallParameters parameters;
        try {
            call = AUTHENTICATOR.authenticate(request.method, request.target, request.headers, request.body,
                    NOW_MILLIS);
            assertThat(call.secretId()).isEqualTo(SECRET_ID);
            parameters = call.parameters().get();
        } catch (ApiFailure refused) {
            assertThat(refused.code()).isNotBlank();
            return "refused " + refused.code();
        }
        switch (call.action()) {
            case CREATE -> read(parameters, CreateTaskParams::from);
            case DESCRIBE -> read(parameters, DescribeTasksParams::from);
            case ASSUME_ROLE -> read(parameters, AssumeRoleParams::from);
            default -> throw new AssertionError("unhandled action " + call.action());
        }
        return call.action().apiName();
    }

    /** Reads the fields as each action would: a record of them, or an ApiFailure. */
    private static void actions(CallParameters parameters) {
        read(parameters, CreateTaskParams::from);
        read(parameters, DescribeTasksParams::from);
        read(parameters, AssumeRoleParams::from);
    }

    private static void read(CallParameters parameters, Function<CallParameters, Record> action) {
        try {
            assertThat(action.apply(parameters)).isNotNull();
        } catch (ApiFailure refused) {
            assertThat(refused.code()).isNotBlank();
            assertThat(refused.getMessage()).hasSizeLessThan(4096);
        }
    }

    /** A request as a Reactor Netty server hands it over: only what its HTTP decoder lets through. */
    private record Request(String method, String target, HttpHeaders headers, byte[] body) {

        /** Parses the text form, or returns null when it is not a GET or POST request line. */
        static Request parse(byte[] raw) {
            int head = indexOf(raw, "\n\n".getBytes(StandardCharsets.ISO_8859_1));
            String text = new String(raw, 0, head < 0 ? raw.length : head, StandardCharsets.ISO_8859_1);
            byte[] body = head < 0 ? new byte[0] : Arrays.copyOfRange(raw, head + 2, raw.length);
            String[] lines = text.split("\n", -1);
            String[] requestLine = lines[0].split(" ", 2);
            if (requestLine.length != 2 || !(requestLine[0].equals("GET") || requestLine[0].equals("POST"))
                    || requestLine[1].isEmpty() || requestLine[1].indexOf(' ') >= 0) {
                return null;
            }
            HttpHeaders headers = new DefaultHttpHeaders();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0 && token(lines[i], 0, colon) && visible(lines[i], colon + 1)) {
                    try {
                        headers.add(lines[i].substring(0, colon), lines[i].substring(colon + 1).strip());
                    } catch (IllegalArgumentException notHttp) {
                        // A header Netty's decoder would have refused too: not a request the emulator sees.
                    }
                }
            }
            return new Request(requestLine[0], requestLine[1], headers, body);
        }

        /** Whether a header name is an HTTP token; checked here, as an exception per refused line costs kilobytes. */
        private static boolean token(String line, int from, int to) {
            for (int i = from; i < to; i++) {
                char c = line.charAt(i);
                if (c <= ' ' || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                    return false;
                }
            }
            return true;
        }

        /** Whether a header value holds no control character but tab. */
        private static boolean visible(String line, int from) {
            for (int i = from; i < line.length(); i++) {
                char c = line.charAt(i);
                if ((c < ' ' && c != '\t') || c == 0x7f) {
                    return false;
                }
            }
            return true;
        }

        /** This request with its placeholder signature, if any, replaced by the one of what it holds. */
        Request signed() {
            String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
            if (authorization != null && authorization.contains(TC3_PLACEHOLDER)) {
                return tc3Signature(authorization).map(signature -> {
                    HttpHeaders copy = new DefaultHttpHeaders().add(headers);
                    copy.set(HttpHeaderNames.AUTHORIZATION, authorization.replace(TC3_PLACEHOLDER, signature));
                    return new Request(method, target, copy, body);
                }).orElse(this);
            }
            String form = "GET".equals(method) ? RequestTarget.query(target)
                    : new String(body, StandardCharsets.ISO_8859_1);
            String marker = SignatureV1.SIGNATURE + "=" + V1_PLACEHOLDER;
            if (!form.contains(marker)) {
                return this;
            }
            String signature;
            try {
                FormParameters parameters = FormParameters.parse(form);
                String algorithm = Optional.ofNullable(parameters.get("SignatureMethod"))
                        .orElse(SignatureV1.DEFAULT_METHOD);
                String host = headers.get(HttpHeaderNames.HOST);
                if (!SignatureV1.supported(algorithm) || host == null) {
                    return this;
                }
                signature = URLEncoder.encode(SignatureV1.sign(SECRET_KEY, algorithm, SignatureV1.stringToSign(
                        method, host, RequestTarget.path(target), new TreeMap<>(parameters.all()))),
                        StandardCharsets.UTF_8);
            } catch (ApiFailure notDecodable) {
                return this;
            }
            String signedForm = form.replace(marker, SignatureV1.SIGNATURE + "=" + signature);
            return "GET".equals(method)
                    ? new Request(method, target.replace(form, signedForm), headers, body)
                    : new Request(method, target, headers, signedForm.getBytes(StandardCharsets.ISO_8859_1));
        }

        private Optional<String> tc3Signature(String authorization) {
            Optional<AuthorizationHeader> auth = AuthorizationHeader.parse(authorization);
            String timestamp = headers.get(ApiCall.TIMESTAMP_HEADER);
            if (auth.isEmpty() || timestamp == null) {
                return Optional.empty();
            }
            SortedMap<String, String> signed = new TreeMap<>();
            for (String name : auth.get().signedHeaders()) {
                String value = headers.get(name);
                if (value == null) {
                    return Optional.empty();
                }
                signed.put(name, value);
            }
            try {
                String canonical = SignatureVerifier.canonicalRequest(method,
                        "GET".equals(method) ? RequestTarget.query(target) : "", signed, body);
                return Optional.of(Tc3Signer.signature(SECRET_KEY, auth.get().date(), auth.get().service(),
                        Tc3Signer.stringToSign(Long.parseLong(timestamp), auth.get().date(), auth.get().service(),
                                canonical)));
            } catch (NumberFormatException notATimestamp) {
                return Optional.empty();
            }
        }

        private static int indexOf(byte[] bytes, byte[] part) {
            outer:
            for (int i = 0; i + part.length <= bytes.length; i++) {
                for (int j = 0; j < part.length; j++) {
                    if (bytes[i + j] != part[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
