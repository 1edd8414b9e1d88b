package dev.dbbrain.reactive.emulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.SortedMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signature v1 ({@code HmacSHA1} / {@code HmacSHA256}) as the official "Signature" page defines it; pure functions,
 * no I/O and no clock.
 *
 * <pre>
 * stringToSign = METHOD + host + path + "?" + join("&amp;", name + "=" + value)
 *                    over every parameter but Signature, sorted by name (byte order), values as decoded,
 *                    not URL-encoded
 * Signature    = Base64(HMAC-SHA1 or HMAC-SHA256(secretKey, stringToSign))   (then URL-encoded on the wire)
 * </pre>
 * The page's worked example: {@code GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=...}
 * signed with HmacSHA1 gives {@code EliP9YW3pW28FpsEdkXt/+WcGeI=}.
 */
final class SignatureV1 {

    /** The name of the parameter that carries the signature, left out of the string to sign. */
    static final String SIGNATURE = "Signature";
    /** The method used when {@code SignatureMethod} is absent, as the page documents. */
    static final String DEFAULT_METHOD = "HmacSHA1";
    static final String HMAC_SHA256 = "HmacSHA256";

    private SignatureV1() {
    }

    /** Whether {@code method} is a v1 {@code SignatureMethod} value the service accepts. */
    static boolean supported(String method) {
        return DEFAULT_METHOD.equals(method) || HMAC_SHA256.equals(method);
    }

    /**
     * Builds the string to sign.
     *
     * @param method the HTTP method, upper case ({@code GET} or {@code POST})
     * @param host the host the client addressed, such as {@code dbbrain.tencentcloudapi.com}
     * @param path the request path, {@code /}
     * @param parameters every parameter received, decoded and sorted by name; {@code Signature} is skipped
     */
    static String stringToSign(String method, String host, String path, SortedMap<String, String> parameters) {
        StringBuilder sb = new StringBuilder(256).append(method).append(host).append(path).append('?');
        boolean first = true;
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            if (SIGNATURE.equals(parameter.getKey())) {
                continue;
            }
            if (!first) {
                sb.append('&');
            }
            sb.append(parameter.getKey()).append('=').append(parameter.getValue());
            first = false;
        }
        return sb.toString();
    }

    /** Base64 of the HMAC of {@code stringToSign} with {@code secretKey}; {@code method} must be supported. */
    static String sign(String secretKey, String method, String stringToSign) {
        try {
            Mac mac = Mac.getInstance(method);
            mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), method));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(method + " is not available in this JDK", e);
        }
    }
}
