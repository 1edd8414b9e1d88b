package dev.dbbrain.reactive.emulator;

/** The request Content-Types that decide how a request's parameters travel. */
final class ContentTypes {

    static final String FORM = "application/x-www-form-urlencoded";

    private ContentTypes() {
    }

    /**
     * Whether a Content-Type is the form encoding, as the official SDKs send it: bare, or with
     * {@code ; charset=utf-8} (OkHttp, under the Java SDK, adds it to a form body).
     */
    static boolean isForm(String contentType) {
        return contentType != null && (FORM.equalsIgnoreCase(contentType)
                || (FORM + "; charset=utf-8").equalsIgnoreCase(contentType));
    }
}
