package dev.dbbrain.reactive;

/** The language of error messages returned by the service ({@code X-TC-Language}). */
public enum Language {
    /** Simplified Chinese, {@code zh-CN}. */
    ZH_CN("zh-CN"),
    /** English, {@code en-US}. */
    EN_US("en-US");

    private final String tag;

    Language(String tag) {
        this.tag = tag;
    }

    /**
     * Returns the header value.
     *
     * @return {@code zh-CN} or {@code en-US}
     */
    public String tag() {
        return tag;
    }
}
