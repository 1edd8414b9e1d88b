package dev.dbbrain.reactive.emulator;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code name=value} pairs of an {@code application/x-www-form-urlencoded} body or a query string, decoded
 * ({@code %XX} escapes as UTF-8, {@code +} as a space) and kept in the order received.
 *
 * <p>Strict where a lenient decoder would make two clients disagree about what was signed: a malformed escape, bytes
 * that are not UTF-8, an empty name or a name given twice is {@code InvalidParameter}. Empty segments
 * ({@code a=1&&b=2}) are skipped, and a segment without {@code =} is a name with an empty value.
 */
final class FormParameters {

    private final Map<String, String> values;

    private FormParameters(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** Decodes a form body; its bytes should be ASCII, but raw UTF-8 is taken as the bytes it is. */
    static FormParameters parse(byte[] body) {
        return parse(new String(body, StandardCharsets.ISO_8859_1));
    }

    /**
     * Decodes a query string (without the {@code ?}) as Netty hands it over, or a form body read as ISO-8859-1:
     * one char per byte received.
     */
    static FormParameters parse(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        int start = 0;
        while (start <= encoded.length()) {
            int end = encoded.indexOf('&', start);
            if (end < 0) {
                end = encoded.length();
            }
            if (end > start) {
                int eq = encoded.indexOf('=', start);
                boolean hasValue = eq >= 0 && eq < end;
                String name = decode(encoded, start, hasValue ? eq : end);
                String value = hasValue ? decode(encoded, eq + 1, end) : "";
                if (name.isEmpty()) {
                    throw ApiFailure.invalidParameter("The request has a parameter without a name.");
                }
                if (values.putIfAbsent(name, value) != null) {
                    throw ApiFailure.invalidParameter("The parameter " + ApiFailure.quote(name)
                            + " is given more than once.");
                }
            }
            start = end + 1;
        }
        return new FormParameters(values);
    }

    /** The decoded value of a parameter, or null when absent. */
    String get(String name) {
        return values.get(name);
    }

    /** Every parameter, decoded, in the order received. */
    Map<String, String> all() {
        return values;
    }

    private static String decode(String s, int from, int to) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                int high = i + 2 < to ? Character.digit(s.charAt(i + 1), 16) : -1;
                int low = high >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (low < 0) {
                    throw ApiFailure.invalidParameter("The parameters are not validly URL-encoded: `%` must be"
                            + " followed by two hexadecimal digits.");
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c > 0xFF) {
                throw ApiFailure.invalidParameter("The parameters are not URL-encoded.");
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw ApiFailure.invalidParameter("The parameters are not valid UTF-8 once URL-decoded.");
        }
    }
}
