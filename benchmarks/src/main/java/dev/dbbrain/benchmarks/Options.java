package dev.dbbrain.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --name value} pairs of a scenario's command line; a {@code --name} alone (a flag) has the value "true". */
final class Options {

    private Options() {
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || args[i].length() == 2) {
                throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
            }
            boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
            options.put(args[i].substring(2), flag ? "true" : args[++i]);
        }
        return options;
    }
}
