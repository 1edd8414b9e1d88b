package dev.dbbrain.reactive.cli;

import java.util.Set;

/** One CLI command; {@link Cli} prints its help and checks its options before running it. */
interface Command {

    /** The text {@code --help} prints. */
    String help();

    /** The options of this command, besides the global ones. */
    Set<String> options();

    /** Runs the command and returns the exit code. */
    int run(Args args);
}
