package dev.dbbrain.reactive.emulator;

import java.util.List;

/**
 * Which host names a signature may have been made over, given the {@code Host} header received.
 *
 * <p>By default the received value and the same host without its port: the real endpoint is reached on the
 * default port, so its {@code Host} never carries one and clients that sign the host without the port (the official
 * Node SDK signs {@code URL.hostname}, yet sends {@code Host} with the port) agree with it there, while against an
 * emulator on port 41234 they would fail every call. Strict matching accepts the received value only, as the real
 * service does with whatever it receives.
 */
final class HostMatch {

    private final boolean strict;

    HostMatch(boolean strict) {
        this.strict = strict;
    }

    /** The values to try, the received one first; empty when the request has no Host. */
    List<String> candidates(String host) {
        if (host == null) {
            return List.of();
        }
        String withoutPort = strict ? null : withoutPort(host);
        return withoutPort == null ? List.of(host) : List.of(host, withoutPort);
    }

    /** {@code host} without a trailing {@code :port}, or null when it has none ({@code [::1]:80} gives {@code [::1]}). */
    static String withoutPort(String host) {
        int colon = host.lastIndexOf(':');
        if (colon < 0 || colon == host.length() - 1 || (host.startsWith("[") && colon < host.lastIndexOf(']'))
                || (!host.startsWith("[") && host.indexOf(':') != colon)) {
            return null;
        }
        for (int i = colon + 1; i < host.length(); i++) {
            if (host.charAt(i) < '0' || host.charAt(i) > '9') {
                return null;
            }
        }
        return host.substring(0, colon);
    }
}
