package dev.dbbrain.reactive.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DbbrainCredentialsException;
import dev.dbbrain.reactive.DbbrainDecodingException;
import dev.dbbrain.reactive.DbbrainException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fuzz targets of the two credential answers (run by {@code dev.dbbrain.reactive.fuzz}): credentials, or the typed
 * exception of their source, whose message never repeats a secret key or token the body held.
 */
public final class CredentialAnswerTargets {

    private static final String METADATA_URL = "http://metadata.tencentyun.com/latest/meta-data/cam/"
            + "security-credentials/fuzz-role";
    /**
     * A secret as the answers carry it: a value of at least 8 characters after its field name, quoted (group 1) or,
     * in a broken answer, without its opening quote (group 2: Jackson quotes such a token in its error).
     */
    private static final Pattern SECRET = Pattern.compile(
            "\"(?:TmpSecretKey|Token)\"\\s*:\\s*(?:\"([^\"\\\\]{8,})\"|([^\"\\\\,}\\]\\s]{8,}))");

    private CredentialAnswerTargets() {
    }

    /** STS {@code AssumeRole}'s answer: credentials, or a typed exception of action AssumeRole. */
    public static void assumeRoleAnswer(byte[] body) {
        try {
            Credentials credentials = AssumeRoleAnswer.credentials(body);
            assertThat(credentials.expiration()).isPresent();
        } catch (DbbrainDecodingException | DbbrainApiException e) {
            assertThat(e.action()).isEqualTo(AssumeRoleCredentials.ACTION);
            noSecretIn(e, body, failureOf(AssumeRoleAnswer::credentials));
        }
    }

    /** The CVM metadata service's answer: credentials, or a {@link DbbrainCredentialsException}. */
    public static void instanceRoleAnswer(byte[] body) {
        try {
            Credentials credentials = InstanceRoleAnswer.credentials(METADATA_URL, body);
            assertThat(credentials.expiration()).isPresent();
        } catch (DbbrainCredentialsException e) {
            assertThat(e.getMessage()).contains(METADATA_URL);
            noSecretIn(e, body, failureOf(b -> InstanceRoleAnswer.credentials(METADATA_URL, b)));
        }
    }

    /** What reading a body with {@code read} fails with, or null when it does not fail. */
    private static Function<byte[], DbbrainException> failureOf(Consumer<byte[]> read) {
        return b -> {
            try {
                read.accept(b);
                return null;
            } catch (DbbrainException e) {
                return e;
            }
        };
    }

    /**
     * Checks that neither the message nor a cause's repeats a secret of the body. A secret's text in a message is a
     * leak only if it came from a secret: the same body with every secret's bytes replaced is read again, and the
     * text must not occur more often in the first message than in the second. A fuzzer copies one field into another
     * and makes secrets of any text, so the text may come from elsewhere: a RequestId or error message that repeats
     * it (the server's words about itself, which the exception names by design), or the client's own words (a
     * "secret" {@code "TmpSecretKey"} in "no Credentials.TmpSecretKey", {@code "dentials"} in the metadata URL).
     */
    private static void noSecretIn(DbbrainException e, byte[] body, Function<byte[], DbbrainException> readAgain) {
        assertThat(e.getMessage()).hasSizeLessThan(4096);
        String told = told(e);
        // Latin-1 keeps one char per byte, so a match's offsets are the body's.
        String bytes = new String(body, StandardCharsets.ISO_8859_1);
        Matcher secrets = SECRET.matcher(bytes);
        List<String> toldSecrets = new ArrayList<>();
        byte[] replaced = null;
        while (secrets.find()) {
            int group = secrets.start(1) >= 0 ? 1 : 2;
            int from = secrets.start(group);
            int to = secrets.end(group);
            String secret = bytes.substring(from, to);
            if (!secret.chars().allMatch(c -> c < 0x80)) {
                secret = new String(body, from, to - from, StandardCharsets.UTF_8);
            }
            if (replaced == null) {
                replaced = body.clone();
            }
            for (int i = from; i < to; i++) {
                replaced[i] = (byte) (body[i] == 'x' ? 'y' : 'x');
            }
            if (told.contains(secret)) {
                toldSecrets.add(secret);
            }
        }
        if (toldSecrets.isEmpty()) {
            return;
        }
        // Read once more with every secret replaced: what the message still says was not the secrets'.
        DbbrainException again = readAgain.apply(replaced);
        String toldAgain = again == null ? "" : told(again);
        for (String secret : toldSecrets) {
            assertThat(occurrences(told, secret)).as("a secret of the body in the message or a cause: %s", told)
                    .isLessThanOrEqualTo(occurrences(toldAgain, secret));
        }
    }

    /** The exception's message and its causes'. */
    private static String told(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t.getMessage()).append('\n');
        }
        return b.toString();
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
