package dev.dbbrain.reactive.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DbbrainCredentialsException;
import dev.dbbrain.reactive.DbbrainDecodingException;
import dev.dbbrain.reactive.DbbrainException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fuzz targets of the two credential answers (run by {@code dev.dbbrain.reactive.fuzz}): credentials, or the typed
 * exception of their source, whose message never repeats a secret key or token the body held.
 */
public final class CredentialAnswerTargets {

    private static final String METADATA_URL = "http://metadata.tencentyun.com/latest/meta-data/cam/"
            + "security-credentials/fuzz-role";
    /** A secret as the answers carry it: a quoted value of at least 8 characters after its field name. */
    private static final Pattern SECRET = Pattern.compile("\"(?:TmpSecretKey|Token)\"\\s*:\\s*\"([^\"\\\\]{8,})\"");

    private CredentialAnswerTargets() {
    }

    /** STS {@code AssumeRole}'s answer: credentials, or a typed exception of action AssumeRole. */
    public static void assumeRoleAnswer(byte[] body) {
        try {
            Credentials credentials = AssumeRoleAnswer.credentials(body);
            assertThat(credentials.expiration()).isPresent();
        } catch (DbbrainDecodingException | DbbrainApiException e) {
            assertThat(e.action()).isEqualTo(AssumeRoleCredentials.ACTION);
            noSecretIn(e, body);
        }
    }

    /** The CVM metadata service's answer: credentials, or a {@link DbbrainCredentialsException}. */
    public static void instanceRoleAnswer(byte[] body) {
        try {
            Credentials credentials = InstanceRoleAnswer.credentials(METADATA_URL, body);
            assertThat(credentials.expiration()).isPresent();
        } catch (DbbrainCredentialsException e) {
            assertThat(e.getMessage()).contains(METADATA_URL);
            noSecretIn(e, body, METADATA_URL);
        }
    }

    /**
     * Checks that the message repeats no secret of the body, apart from what the server chose to say about itself:
     * the RequestId, error code and error message, which the exception carries (and names in its message) by design.
     * A fuzzer copies one field into another, so a body whose RequestId holds the secret key is not a leak of the
     * client's: the client cannot know which server-chosen string echoes a secret. Likewise {@code named}, what the
     * client itself puts in the message (a secret {@code "dentials"} is in the metadata URL's "credentials").
     */
    private static void noSecretIn(DbbrainException e, byte[] body, String... named) {
        assertThat(e.getMessage()).hasSizeLessThan(4096);
        String message = withoutServerIdentifiers(e);
        for (String n : named) {
            // What the client names itself (the metadata URL): a "secret" the fuzzer made of a part of it is not one.
            message = without(message, n);
        }
        Matcher secrets = SECRET.matcher(new String(body, StandardCharsets.UTF_8));
        while (secrets.find()) {
            assertThat(message).as("a secret of the body in the message %s", e.getMessage())
                    .doesNotContain(secrets.group(1));
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                assertThat(String.valueOf(cause.getMessage())).as("a secret of the body in a cause %s", cause)
                        .doesNotContain(secrets.group(1));
            }
        }
    }

    private static String withoutServerIdentifiers(DbbrainException e) {
        String message = e.getMessage();
        if (e instanceof DbbrainApiException api) {
            message = without(message, api.errorMessage());
            message = without(message, api.code());
        }
        return without(message, e.requestId());
    }

    private static String without(String message, String echoed) {
        return echoed == null || echoed.isEmpty() ? message : message.replace(echoed, "");
    }
}
