package dev.dbbrain.reactive.spring;

/**
 * The user info of a URI property, such as the password in {@code redis://:password@host:6379}, found without
 * parsing: a value that fails to parse must be masked too.
 *
 * <p>Everything between {@code ://} (or the start) and the last {@code @} counts as user info. A password may hold
 * characters that end a URI's authority ({@code /}, {@code ?}, {@code #}) when it is not encoded, so the last
 * {@code @} anywhere is taken; an {@code @} in a query then masks more than the user info, never less.
 */
final class UserInfo {

    /** What replaces the user info, and a secret value in the actuator's endpoints. */
    static final String MASK = "******";

    private UserInfo() {
    }

    /**
     * Returns the user info of {@code uri}.
     *
     * @param uri a URI, possibly malformed
     * @return the text between {@code ://} and the last {@code @}, or {@code null} when there is no {@code @}
     */
    static String of(String uri) {
        int at = uri.lastIndexOf('@');
        if (at < 0) {
            return null;
        }
        return uri.substring(start(uri, at), at);
    }

    /**
     * Returns {@code uri} with its user info replaced by {@value #MASK}.
     *
     * @param uri a URI, possibly malformed
     * @return the URI without user info; unchanged when it has none
     */
    static String mask(String uri) {
        int at = uri.lastIndexOf('@');
        if (at < 0) {
            return uri;
        }
        return uri.substring(0, start(uri, at)) + MASK + uri.substring(at);
    }

    private static int start(String uri, int at) {
        int scheme = uri.indexOf("://");
        return scheme >= 0 && scheme < at ? scheme + 3 : 0;
    }
}
