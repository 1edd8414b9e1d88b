package dev.dbbrain.reactive.emulator;

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
