package dev.dbbrain.reactive.cli;

/**
 * The {@code dbbrain} command line: {@code kill}, {@code watch}, {@code describe} and {@code emulator}. Run with
 * {@code --help}.
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs the command line and exits with its code: 0 all tasks finished, 1 some task failed, 2 usage or
     * configuration error, 3 API or transport error.
     *
     * @param args the command line arguments
     */
    public static void main(String[] args) {
        int code = new Cli(System.out, System.err).run(args);
        System.out.flush();
        System.exit(code);
    }
}
