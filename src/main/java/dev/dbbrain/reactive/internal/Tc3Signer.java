package dev.dbbrain.reactive.internal;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * TC3-HMAC-SHA256 request signing, byte-identical to the official Tencent Cloud SDKs.
 *
 * <p>{@link #sign} is a pure function of its arguments: no I/O and no clock reads (the caller supplies the
 * timestamp). The only state is a memo of the last derived signing key, which depends on
 * (secret key, UTC date, service) alone and therefore changes at most once a day per key.
 *
 * <p>What is signed, exactly as the official signing page and SDKs do it:
 * <pre>
 * canonicalHeaders = for each signed header, sorted by name: lower(name) + ":" + lower(trim(value)) + "\n"
 * signedHeaders    = the sorted lower-case names joined by ";"     (at least "content-type;host")
 * canonicalRequest = "POST\n/\n\n" + canonicalHeaders + "\n" + signedHeaders + "\n" + hex(sha256(payload))
 * credentialScope  = utcDate(timestamp) + "/" + service + "/tc3_request"
 * stringToSign     = "TC3-HMAC-SHA256\n" + timestamp + "\n" + credentialScope + "\n" + hex(sha256(canonicalRequest))
 * signingKey       = HMAC(HMAC(HMAC("TC3" + secretKey, date), service), "tc3_request")
 * Authorization    = "TC3-HMAC-SHA256 Credential=" + secretId + "/" + credentialScope
 *                    + ", SignedHeaders=" + signedHeaders + ", Signature=" + hex(HMAC(signingKey, stringToSign))
 * </pre>
 * The date is the UTC date of the timestamp, never the local date: the service rejects a scope whose date differs
 * from the UTC date of {@code X-TC-Timestamp}.
 */
public final class Tc3Signer {

    /** The algorithm name that starts the Authorization header and the string to sign. */
    public static final String ALGORITHM = "TC3-HMAC-SHA256";
    /**
     * The Content-Type the Java SDK signs and sends. The header sent must be byte-identical to the signed value, so
     * it is one constant used for both.
     */
    public static final String CONTENT_TYPE = "application/json; charset=utf-8";
    /** The terminator of every credential scope. */
    public static final String TERMINATOR = "tc3_request";

    private static final HexFormat HEX = HexFormat.of();
    /** Never updated itself: every digest is a clone of it. Null if the provider cannot clone digests. */
    private static final MessageDigest SHA256_PROTOTYPE = cloneablePrototype();

    private volatile DerivedKey lastKey;
    private final AtomicInteger derivations = new AtomicInteger();

    /** Creates a signer with an empty signing-key memo. */
    public Tc3Signer() {
    }

    /**
     * Signs one POST request to path {@code /}.
     *
     * @param secretId the SecretId written into the credential scope
     * @param secretKey the SecretKey the signing key is derived from
     * @param host the Host header value that will be sent (with {@code :port} when not the default port)
     * @param contentType the Content-Type header value that will be sent, byte for byte
     * @param payload the exact body bytes that will be sent
     * @param timestamp the {@code X-TC-Timestamp} value, in seconds since the epoch
     * @param service the service name, such as {@code dbbrain}
     * @param extraSignedHeaders further headers to sign besides content-type and host (name to value), such as
     *     {@code x-tc-action}; may be empty
     * @return the Authorization header value
     */
    public String authorization(String secretId, String secretKey, String host, String contentType, byte[] payload,
            long timestamp, String service, Map<String, String> extraSignedHeaders) {
        Objects.requireNonNull(secretId, "secretId");
        Objects.requireNonNull(secretKey, "secretKey");
        SortedMap<String, String> signed = new TreeMap<>();
        extraSignedHeaders.forEach((name, value) -> signed.put(name.toLowerCase(Locale.ROOT), value));
        signed.put("content-type", Objects.requireNonNull(contentType, "contentType"));
        signed.put("host", Objects.requireNonNull(host, "host"));
        String date = utcDate(timestamp);
        String canonicalRequest = canonicalRequest(signed, payload);
        String stringToSign = stringToSign(timestamp, date, service, canonicalRequest);
        String signature = HEX.formatHex(derivedKey(secretKey, date, service).sign(stringToSign));
        return authorizationHeader(secretId, date, service, signedHeaderNames(signed), signature);
    }

    /**
     * Returns the signing key for (secret key, date, service), derived once and then reused while all three stay
     * the same.
     */
    byte[] signingKey(String secretKey, String date, String service) {
        return derivedKey(secretKey, date, service).key;
    }

    private DerivedKey derivedKey(String secretKey, String date, String service) {
        DerivedKey cached = lastKey;
        if (cached != null && cached.matches(secretKey, date, service)) {
            return cached;
        }
        byte[] key = deriveSigningKey(secretKey, date, service);
        derivations.incrementAndGet();
        DerivedKey derived = new DerivedKey(secretKey, date, service, key);
        lastKey = derived;
        return derived;
    }

    /** Number of signing keys this signer has derived so far; lets tests prove the memo is used. */
    int derivations() {
        return derivations.get();
    }

    /**
     * Builds the canonical request of a POST to {@code /}.
     *
     * @param signedHeaders lower-case header names to values, sorted by name
     * @param payload the body bytes
     * @return the canonical request string
     */
    public static String canonicalRequest(SortedMap<String, String> signedHeaders, byte[] payload) {
        StringBuilder sb = new StringBuilder(256).append("POST\n/\n\n");
        signedHeaders.forEach((name, value) ->
                sb.append(name).append(':').append(value.trim().toLowerCase(Locale.ROOT)).append('\n'));
        return sb.append('\n').append(signedHeaderNames(signedHeaders)).append('\n')
                .append(sha256Hex(payload)).toString();
    }

    /**
     * Builds the string to sign.
     *
     * @param timestamp seconds since the epoch
     * @param date the UTC date of the timestamp, {@code yyyy-MM-dd}
     * @param service the service name
     * @param canonicalRequest the canonical request
     * @return the string to sign
     */
    public static String stringToSign(long timestamp, String date, String service, String canonicalRequest) {
        return ALGORITHM + '\n' + timestamp + '\n' + date + '/' + service + '/' + TERMINATOR + '\n'
                + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Computes the lower-case hex signature of a string to sign.
     *
     * @param secretKey the SecretKey
     * @param date the UTC date of the credential scope
     * @param service the service name
     * @param stringToSign the string to sign
     * @return the signature, lower-case hex
     */
    public static String signature(String secretKey, String date, String service, String stringToSign) {
        return HEX.formatHex(hmac(deriveSigningKey(secretKey, date, service), stringToSign));
    }

    /**
     * Derives the signing key: {@code HMAC(HMAC(HMAC("TC3" + secretKey, date), service), "tc3_request")}.
     *
     * @param secretKey the SecretKey
     * @param date the UTC date
     * @param service the service name
     * @return the 32-byte signing key
     */
    public static byte[] deriveSigningKey(String secretKey, String date, String service) {
        byte[] kDate = hmac(("TC3" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        byte[] kService = hmac(kDate, service);
        return hmac(kService, TERMINATOR);
    }

    /**
     * Formats the Authorization header value.
     *
     * @param secretId the SecretId
     * @param date the scope date
     * @param service the service name
     * @param signedHeaders the signed header names joined by ';'
     * @param signature the hex signature
     * @return the header value
     */
    public static String authorizationHeader(String secretId, String date, String service, String signedHeaders,
            String signature) {
        return ALGORITHM + " Credential=" + secretId + '/' + date + '/' + service + '/' + TERMINATOR
                + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature;
    }

    /**
     * Returns the UTC date ({@code yyyy-MM-dd}) of a timestamp in seconds.
     *
     * @param timestamp seconds since the epoch
     * @return the UTC date
     */
    public static String utcDate(long timestamp) {
        return LocalDate.ofInstant(Instant.ofEpochSecond(timestamp), ZoneOffset.UTC).toString();
    }

    /**
     * Returns the lower-case hex SHA-256 of some bytes.
     *
     * @param bytes the input
     * @return 64 hex characters
     */
    public static String sha256Hex(byte[] bytes) {
        return HEX.formatHex(sha256().digest(bytes));
    }

    /**
     * A fresh SHA-256 digest: a clone of a prototype when the provider allows it, which skips the provider lookup
     * of {@code getInstance} (a large share of a signature's cost).
     */
    private static MessageDigest sha256() {
        try {
            return SHA256_PROTOTYPE != null ? (MessageDigest) SHA256_PROTOTYPE.clone()
                    : MessageDigest.getInstance("SHA-256");
        } catch (CloneNotSupportedException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private static MessageDigest cloneablePrototype() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.clone();
            return digest;
        } catch (NoSuchAlgorithmException | CloneNotSupportedException e) {
            return null;
        }
    }

    private static String signedHeaderNames(SortedMap<String, String> signedHeaders) {
        return String.join(";", signedHeaders.keySet());
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static final class DerivedKey {
        final String secretKey;
        final String date;
        final String service;
        final byte[] key;

        /** Initialised with {@link #key}, cloned per signature; null when the provider cannot clone it. */
        private final Mac keyedMac;

        DerivedKey(String secretKey, String date, String service, byte[] key) {
            this.secretKey = secretKey;
            this.date = date;
            this.service = service;
            this.key = key;
            this.keyedMac = keyedMac(key);
        }

        /**
         * HMAC of {@code data} with the signing key. A clone of the keyed prototype skips the provider lookup and
         * the key schedule that {@code Mac.getInstance} and {@code init} redo on every call.
         */
        byte[] sign(String data) {
            if (keyedMac == null) {
                return hmac(key, data);
            }
            try {
                return ((Mac) keyedMac.clone()).doFinal(data.getBytes(StandardCharsets.UTF_8));
            } catch (CloneNotSupportedException e) {
                return hmac(key, data);
            }
        }

        private static Mac keyedMac(byte[] key) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                mac.clone();
                return mac;
            } catch (NoSuchAlgorithmException | InvalidKeyException | CloneNotSupportedException e) {
                return null;
            }
        }

        boolean matches(String secretKey, String date, String service) {
            return this.date.equals(date) && this.service.equals(service) && this.secretKey.equals(secretKey);
        }

        @Override
        public String toString() {
            return "DerivedKey[date=" + date + ", service=" + service + "]";
        }
    }
}
