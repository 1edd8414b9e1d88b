package dev.dbbrain.reactive.emulator;

import dev.dbbrain.reactive.internal.Tc3Signer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a {@code TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request, SignedHeaders=<a;b>,
 * Signature=<hex>} header. Only its shape is checked here; whether the parts are right is the verifier's job.
 */
record AuthorizationHeader(String secretId, String date, String service, List<String> signedHeaders,
        String signature) {

    private static final Pattern FORMAT = Pattern.compile(Pattern.quote(Tc3Signer.ALGORITHM)
            + " Credential=([^/,\\s]+)/([^/,\\s]+)/([^/,\\s]+)/" + Pattern.quote(Tc3Signer.TERMINATOR)
            + ",\\s*SignedHeaders=([A-Za-z0-9-]+(?:;[A-Za-z0-9-]+)*)"
            + ",\\s*Signature=([0-9a-fA-F]{64})");

    static Optional<AuthorizationHeader> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(value.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        List<String> names = List.of(m.group(4).toLowerCase(Locale.ROOT).split(";"));
        return Optional.of(new AuthorizationHeader(m.group(1), m.group(2), m.group(3), names,
                m.group(5).toLowerCase(Locale.ROOT)));
    }
}
