package dev.dbbrain.reactive.internal;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.json.JsonFactory;

/**
 * The parsers every answer this library reads is parsed with: jackson-core's streaming parser under stream read
 * constraints sized for one size cap. Nesting depth, number length, string and document length and the token
 * count are all bounded before the first byte is read, so whatever a server sends, parsing ends in a
 * {@code JacksonException} within a bounded amount of work, never a stack overflow.
 *
 * <p>Only jackson-core's API that Jackson 3.0 already had is used: the library runs on whatever Jackson 3 an
 * application's framework manages.
 */
public final class BoundedJson {

    private static final int MAX_NESTING_DEPTH = 32;
    private static final int MAX_NUMBER_LENGTH = 40;
    /**
     * Tokens allowed per byte of the size cap. A real TaskInfo costs about 40 tokens in 500 bytes (0.08/byte); a
     * hostile {@code [{},{},…]} costs 0.67/byte. A quarter of a token per byte leaves real answers three times the
     * room they need and bounds the work of skipping what this client does not read.
     */
    private static final int BYTES_PER_TOKEN = 4;

    private final StreamReadConstraints constraints;
    private final JsonFactory factory;

    /** Parsers for documents of at most {@code maxDocumentBytes}. */
    public BoundedJson(int maxDocumentBytes) {
        this.constraints = StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .maxStringLength(maxDocumentBytes)
                .maxDocumentLength(maxDocumentBytes)
                .maxTokenCount(Math.max(10_000, maxDocumentBytes / BYTES_PER_TOKEN))
                .build();
        // Property names are not canonicalized: a hostile body of unique names would fill the symbol table, and the
        // names read here are a dozen short ones. A duplicate name is an error, not a silent second value.
        this.factory = JsonFactory.builder()
                .streamReadConstraints(constraints)
                .disable(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    /**
     * A parser over the whole of {@code body}; the caller closes it. A body longer than the limit is refused here,
     * before a byte is parsed: Jackson 3.1 and later check a byte array's length up front, but 3.0 only once it has
     * read past the limit, having built a string of up to the limit on the way.
     *
     * @throws tools.jackson.core.exc.StreamConstraintsException if {@code body} is longer than the limit
     */
    public JsonParser parser(byte[] body) {
        constraints.validateDocumentLength(body.length);
        return factory.createParser(body);
    }

    /** The value at the parser's current token if it is a string; else null, the value skipped. */
    public static String stringOrNull(JsonParser p) {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            return p.getString();
        }
        p.skipChildren();
        return null;
    }

    /**
     * The value at the parser's current token if it is a JSON integer that fits 64 bits; else null (a float, a
     * string, a bigger integer, a container), the value skipped.
     */
    public static Long int64OrNull(JsonParser p) {
        if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType type = p.getNumberType();
            return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG ? p.getLongValue() : null;
        }
        p.skipChildren();
        return null;
    }
}
