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
            noSecretIn(e, body);
        }
    }

    private static void noSecretIn(DbbrainException e, byte[] body) {
        assertThat(e.getMessage()).hasSizeLessThan(4096);
        Matcher secrets = SECRET.matcher(new String(body, StandardCharsets.UTF_8));
        while (secrets.find()) {
            assertThat(e.getMessage()).as("a secret of the body in the message").doesNotContain(secrets.group(1));
        }
    }
}
