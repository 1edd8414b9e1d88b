package dev.dbbrain.reactive.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether this process talks to a person at a terminal, and so may redraw lines with ANSI escapes. */
final class Terminal {

    private Terminal() {
    }

    static boolean interactive() {
        Console console = System.console();
        if (console == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        // Up to JDK 21 a console exists only when stdin and stdout are terminals. From JDK 22 System.console() may
        // answer even when stdout is piped, and Console.isTerminal() (JDK 22+, so called reflectively from code
        // compiled for 17) tells the difference.
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return Boolean.TRUE.equals(isTerminal.invoke(console));
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
