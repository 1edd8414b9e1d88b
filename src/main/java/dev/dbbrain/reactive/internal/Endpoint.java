package dev.dbbrain.reactive.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A validated API endpoint and the Host header that goes with it. The Host that is signed must be the Host that is
 * sent, so both come from here: the host, plus {@code :port} when the port is not the scheme's default.
 */
public final class Endpoint {

    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private final URI uri;
    private final String hostHeader;
    private final boolean secure;

    private Endpoint(URI uri, String hostHeader, boolean secure) {
        this.uri = uri;
        this.hostHeader = hostHeader;
        this.secure = secure;
    }

    public static Endpoint parse(String endpoint, boolean allowInsecure) {
        Validation.requireText(endpoint, "endpoint");
        URI parsed;
        try {
            parsed = new URI(endpoint.trim());
        } catch (URISyntaxException e) {
            // Not the parser's message nor its cause: both repeat the input, and with it any password in it.
            throw new IllegalArgumentException("endpoint is not a valid URI: " + masked(endpoint));
        }
        // Every message below names the endpoint with its user info masked: it may hold a password.
        endpoint = masked(endpoint);
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("endpoint must be an http:// or https:// URL, was " + endpoint);
        }
        String host = parsed.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("endpoint has no host: " + endpoint);
        }
        if (parsed.getRawUserInfo() != null || parsed.getRawQuery() != null || parsed.getRawFragment() != null
                || !(parsed.getRawPath() == null || parsed.getRawPath().isEmpty() || parsed.getRawPath().equals("/"))) {
            throw new IllegalArgumentException(
                    "endpoint must be scheme://host[:port] with no path, query or user info, was " + endpoint);
        }
        boolean secure = scheme.equals("https");
        host = host.toLowerCase(Locale.ROOT);
        if (!secure && !allowInsecure && !isLoopback(host)) {
            throw new IllegalArgumentException("endpoint " + endpoint + " is plain http:// to a host that is not "
                    + "loopback; use https://, or allowInsecureEndpoint(true) if you really mean it");
        }
        int port = parsed.getPort();
        int defaultPort = secure ? 443 : 80;
        String hostHeader = port == -1 || port == defaultPort ? host : host + ":" + port;
        URI normalized = URI.create(scheme + "://" + hostHeader + "/");
        return new Endpoint(normalized, hostHeader, secure);
    }

    /** The endpoint with whatever stands between {@code ://} and the last {@code @} before the path replaced. */
    static String masked(String endpoint) {
        int start = endpoint.indexOf("://");
        int from = start < 0 ? 0 : start + 3;
        int pathStart = endpoint.indexOf('/', from);
        int end = endpoint.lastIndexOf('@', pathStart < 0 ? endpoint.length() - 1 : pathStart);
        return end < from ? endpoint : endpoint.substring(0, from) + "******" + endpoint.substring(end);
    }

    /** Loopback by its literal form only: resolving a name here would be blocking I/O. */
    public static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || IPV4_LOOPBACK.matcher(h).matches()
                || h.equals("[::1]") || h.equals("[0:0:0:0:0:0:0:1]");
    }

    public URI uri() {
        return uri;
    }

    public String hostHeader() {
        return hostHeader;
    }

    public boolean secure() {
        return secure;
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
