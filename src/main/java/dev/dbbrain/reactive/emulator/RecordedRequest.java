package dev.dbbrain.reactive.emulator;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One request a {@link DbbrainEmulator} received, as {@link DbbrainEmulator#takeRequest(java.time.Duration)} and
 * {@link DbbrainEmulator#pollRequest()} hand it out and a {@link DbbrainEmulator#dispatcher dispatcher} sees it:
 * what the client sent, decoded the same way whatever the signature (TC3 with POST or GET, or v1), and whether the
 * emulator accepted its signature.
 *
 * <pre>{@code
 * RecordedRequest sent = emulator.takeRequest(Duration.ofSeconds(5));
 * assertThat(sent.action()).contains("DescribeProxySessionKillTasks");
 * assertThat(sent.parameters()).containsEntry("InstanceId", "crs-abcd1234").containsEntry("AsyncRequestIds.0", "7");
 * assertThat(sent.signatureVerified()).isTrue();
 * }</pre>
 *
 * <p><b>Never a secret.</b> It holds the SecretId, the signature's algorithm and signed-header names, never the
 * secret key, the signature, the {@code Authorization} header or the session token ({@code X-TC-Token}, the v1
 * {@code Token} parameter): a recording may be printed, logged or kept. Immutable and thread-safe.
 */
public final class RecordedRequest {

    private final long sequenceNumber;
    private final Instant receivedAt;
    private final String method;
    private final String action;
    private final String version;
    private final String region;
    private final String language;
    private final Instant timestamp;
    private final String secretId;
    private final String signatureMethod;
    private final List<String> signedHeaders;
    private final Map<String, String> parameters;
    private final boolean signatureVerified;
    private final List<Map.Entry<String, String>> headers;
    private final byte[] body;

    RecordedRequest(long sequenceNumber, Instant receivedAt, String method, RequestFacts facts,
            boolean signatureVerified) {
        this.sequenceNumber = sequenceNumber;
        this.receivedAt = receivedAt;
        this.method = method;
        this.action = facts.action();
        this.version = facts.version();
        this.region = facts.region();
        this.language = facts.language();
        this.timestamp = facts.timestamp();
        this.secretId = facts.secretId();
        this.signatureMethod = facts.signatureMethod();
        this.signedHeaders = facts.signedHeaders();
        this.parameters = facts.parameters();
        this.signatureVerified = signatureVerified;
        this.headers = facts.headers();
        this.body = facts.body();
    }

    /**
     * Returns the position of this request among those received since the emulator started or its scripting was
     * last {@link DbbrainEmulator#resetScripting() reset}, from 0.
     *
     * @return the sequence number
     */
    public long sequenceNumber() {
        return sequenceNumber;
    }

    /**
     * Returns when the request's body had arrived, on the emulator's {@link DbbrainEmulator.Builder#clock clock}.
     *
     * @return the time of arrival
     */
    public Instant receivedAt() {
        return receivedAt;
    }

    /**
     * Returns the HTTP method, such as {@code POST}.
     *
     * @return the method
     */
    public String method() {
        return method;
    }

    /**
     * Returns the action the request named ({@code X-TC-Action}, or the v1 {@code Action} parameter), such as
     * {@code DescribeProxySessionKillTasks}, as sent, even one the emulator does not know.
     *
     * @return the action, or empty when the request named none
     */
    public Optional<String> action() {
        return Optional.ofNullable(action);
    }

    /**
     * Returns the API version the request named ({@code X-TC-Version} or {@code Version}).
     *
     * @return the version, such as {@code 2021-05-27}, or empty when absent
     */
    public Optional<String> version() {
        return Optional.ofNullable(version);
    }

    /**
     * Returns the region the request named ({@code X-TC-Region} or {@code Region}).
     *
     * @return the region, such as {@code ap-guangzhou}, or empty when absent
     */
    public Optional<String> region() {
        return Optional.ofNullable(region);
    }

    /**
     * Returns the language the request asked for ({@code X-TC-Language} or {@code Language}).
     *
     * @return the language, such as {@code en-US}, or empty when absent
     */
    public Optional<String> language() {
        return Optional.ofNullable(language);
    }

    /**
     * Returns the time the request was signed at ({@code X-TC-Timestamp} or {@code Timestamp}, whole seconds).
     *
     * @return the signing time, or empty when absent or not a number
     */
    public Optional<Instant> timestamp() {
        return Optional.ofNullable(timestamp);
    }

    /**
     * Returns the SecretId the request was signed with (from the TC3 credential scope, or the v1 {@code SecretId}).
     *
     * @return the SecretId, or empty when the request carried none in a readable form
     */
    public Optional<String> secretId() {
        return Optional.ofNullable(secretId);
    }

    /**
     * Returns the signature's algorithm: {@code TC3-HMAC-SHA256}, or for signature v1 {@code HmacSHA1} or
     * {@code HmacSHA256} (its {@code SignatureMethod}, {@code HmacSHA1} when absent).
     *
     * @return the algorithm, or empty for a request with no readable signature
     */
    public Optional<String> signatureMethod() {
        return Optional.ofNullable(signatureMethod);
    }

    /**
     * Returns the names of the headers a TC3 signature covers, lower case, in the order of its
     * {@code SignedHeaders}, such as {@code [content-type, host]}.
     *
     * @return the signed header names; empty for signature v1 or a missing or malformed {@code Authorization}
     */
    public List<String> signedHeaders() {
        return signedHeaders;
    }

    /**
     * Returns the action's own fields as the API flattens them, whatever the encoding the client chose: a JSON
     * body {@code {"InstanceId":"crs-1","AsyncRequestIds":[7,8]}}, a TC3 query string and a v1 form or query
     * all give {@code InstanceId=crs-1}, {@code AsyncRequestIds.0=7}, {@code AsyncRequestIds.1=8} (an object in
     * an array as {@code Tags.0.Key}), values as text, in the order sent. The common v1 parameters
     * ({@code Action}, {@code Nonce}, {@code Signature}, {@code Token}...) are not among them: they have accessors of
     * their own, or are secret.
     *
     * @return the fields, unmodifiable; empty when the body or query could not be decoded, or the body was over
     *     16 KiB
     */
    public Map<String, String> parameters() {
        return parameters;
    }

    /**
     * Returns whether the emulator accepted the request's authentication: a known SecretId, a signature that
     * matches what was received, a timestamp within five minutes of the emulator's clock, and for temporary
     * credentials the right token. A request without it was answered with the service's error, never with a
     * scripted answer.
     *
     * @return true when the signature verified
     */
    public boolean signatureVerified() {
        return signatureVerified;
    }

    /**
     * Returns the first value of a header as received, such as {@code Host} or {@code Content-Type}; the name is
     * matched ignoring case. {@code Authorization} and {@code X-TC-Token} are never recorded: see
     * {@link #secretId()}, {@link #signedHeaders()} and {@link #signatureVerified()} instead.
     *
     * @param name the header name
     * @return the value, or empty when the request had no such header (or it is one that is never recorded)
     */
    public Optional<String> header(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return Optional.of(header.getValue());
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the body as received, byte for byte, for a TC3 request; a v1 request's body is not kept, since it
     * carries the signature and the token (its fields are in {@link #parameters()}), nor is a body over 16 KiB.
     *
     * @return a copy of the body; empty when there was none or it was not kept
     */
    public byte[] body() {
        return body.clone();
    }

    /**
     * Describes the request without any secret, such as
     * {@code RecordedRequest[#0 POST DescribeProxySessionKillTasks secretId=AKID.. verified=true {InstanceId=..}]}.
     *
     * @return a description for messages and logs
     */
    @Override
    public String toString() {
        return "RecordedRequest[#" + sequenceNumber + " " + method + " " + (action == null ? "(no action)" : action)
                + " secretId=" + secretId + " verified=" + signatureVerified + " " + parameters + "]";
    }

    /** Lower-case header names that are never recorded. */
    static boolean secretHeader(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("authorization") || lower.equals("x-tc-token");
    }
}
