package dev.dbbrain.reactive.emulator;

import java.util.Locale;

/**
 * The path of an HTTP request target, whether origin-form ({@code /}) or absolute-form
 * ({@code http://host:port/}, what a client sends when it is configured with an HTTP proxy pointing here).
 */
final class RequestTarget {

    private RequestTarget() {
    }

    /**
     * Returns the path of a request target without query or fragment; an absolute-form target with no path means
     * {@code /} (RFC 9112, section 3.2.2). Anything else (such as {@code *}) is returned as it is, so that it fails
     * the path check.
     */
    static String path(String target) {
        String path = target;
        int cut = indexOfAny(path, '?', '#');
        if (cut >= 0) {
            path = path.substring(0, cut);
        }
        if (path.startsWith("/")) {
            return path;
        }
        int schemeEnd = path.indexOf("://");
        if (schemeEnd > 0) {
            int slash = path.indexOf('/', schemeEnd + 3);
            return slash < 0 ? "/" : path.substring(slash);
        }
        return path;
    }

    /**
     * Returns the query of a request target as received (still URL-encoded, without the {@code ?} and without a
     * fragment), or the empty string when there is none.
     */
    static String query(String target) {
        int question = target.indexOf('?');
        if (question < 0) {
            return "";
        }
        int hash = target.indexOf('#', question);
        return target.substring(question + 1, hash < 0 ? target.length() : hash);
    }

    /**
     * Whether the emulator can serve a request with this target: origin-form ({@code /...}) or absolute-form with
     * an {@code http} or {@code https} scheme. Authority-form ({@code host:443}, what CONNECT sends) and
     * asterisk-form ({@code *}) are not.
     */
    static boolean servable(String target) {
        if (target.startsWith("/")) {
            return true;
        }
        String lower = target.length() > 8 ? target.substring(0, 8).toLowerCase(Locale.ROOT) : "";
        return lower.startsWith("http://") || lower.startsWith("https://");
    }

    private static int indexOfAny(String s, char a, char b) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == a || c == b) {
                return i;
            }
        }
        return -1;
    }
}
