package dev.dbbrain.reactive.cli;

import dev.dbbrain.reactive.auth.CredentialsProvider;
import dev.dbbrain.reactive.testing.SendStamps;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import reactor.netty.resources.ConnectionProvider;

/**
 * The CLI jar's own {@link Main}, run in the jar's JVM, with one difference: its client gets an {@code HttpClient}
 * configured like the one it builds for itself plus the {@link SendStamps} handler, and the stamps are written to the
 * file named by the first argument when the command has ended. Launched by {@link CliJar#runStamped}; loads only the
 * jar's classes and these two.
 */
final class StampedCli {

    private StampedCli() {
    }

    /**
     * Runs {@code dbbrain ARGS...} and exits with its code.
     *
     * @param args the stamps file, then the CLI's arguments
     * @throws IOException if the stamps cannot be written
     */
    public static void main(String[] args) throws IOException {
        SendStamps stamps = new SendStamps();
        ConnectionProvider pool = SendStamps.ownedLikePool("stamped-cli");
        int code;
        try {
            code = new Cli(System.out, System.err, false, CredentialsProvider.defaultChain(),
                    b -> b.httpClient(stamps.likeTheOwnedClient(pool))).run(Arrays.copyOfRange(args, 1, args.length));
        } finally {
            pool.disposeLater().block(Duration.ofSeconds(10));
        }
        stamps.write(Path.of(args[0]));
        System.out.flush();
        System.exit(code);
    }
}
