package dev.dbbrain.reactive.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed command line: one command word and {@code --name value} / {@code --flag} options, in any order.
 * Options may repeat ({@code --instance a --instance b}).
 */
final class Args {

    /** Options that take no value. */
    private static final Set<String> FLAGS = Set.of("emulator", "verbose", "help", "tls", "strict-host",
            "no-shared-watches");

    final String command;
    private final Map<String, List<String>> options;

    private Args(String command, Map<String, List<String>> options) {
        this.command = command;
        this.options = options;
    }

    static Args parse(String[] argv) {
        String command = null;
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (arg.equals("-h")) {
                arg = "--help";
            }
            if (arg.startsWith("--")) {
                String name = arg.substring(2);
                String value;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else if (FLAGS.contains(name)) {
                    value = "true";
                } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                    value = argv[++i];
                } else {
                    throw new UsageException("option --" + name + " needs a value");
                }
                options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else if (command == null) {
                command = arg;
            } else {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
        }
        return new Args(command, options);
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    List<String> all(String name) {
        return options.getOrDefault(name, List.of());
    }

    String get(String name, String fallback) {
        List<String> values = all(name);
        if (values.size() > 1) {
            throw new UsageException("option --" + name + " may be given only once");
        }
        return values.isEmpty() ? fallback : values.get(0);
    }

    /** The single value of an option {@code command} cannot do without. */
    String required(String name, String command) {
        String value = get(name, null);
        if (value == null) {
            throw new UsageException(command + " needs --" + name);
        }
        return value;
    }

    /** The values of a repeatable option {@code command} needs at least one of. */
    List<String> requiredAll(String name, String command) {
        return atLeastOne(all(name), name, command);
    }

    /** The task IDs of a repeatable option {@code command} needs at least one of. */
    List<Long> requiredTaskIds(String name, String command) {
        return atLeastOne(taskIds(name), name, command);
    }

    private static <T> List<T> atLeastOne(List<T> values, String name, String command) {
        if (values.isEmpty()) {
            throw new UsageException(command + " needs at least one --" + name);
        }
        return values;
    }

    int intValue(String name, int fallback, int min, int max) {
        String raw = get(name, null);
        if (raw == null) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(raw);
            if (v < min || v > max) {
                throw new UsageException("--" + name + " must be between " + min + " and " + max + ", was " + raw);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, was '" + raw + "'");
        }
    }

    /** Every value of a repeatable option holding task IDs, in order, without repeats. */
    List<Long> taskIds(String name) {
        Set<Long> ids = new LinkedHashSet<>();
        for (String raw : all(name)) {
            long id;
            try {
                id = Long.parseLong(raw);
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + " must be an integer AsyncRequestId, was '" + raw + "'");
            }
            if (id < 1) {
                throw new UsageException("--" + name + " must be a positive AsyncRequestId, was " + raw);
            }
            ids.add(id);
        }
        return List.copyOf(ids);
    }

    double probability(String name) {
        String raw = get(name, null);
        if (raw == null) {
            return 0;
        }
        try {
            double p = Double.parseDouble(raw);
            if (!(p >= 0 && p <= 1)) {
                throw new UsageException("--" + name + " must be a probability between 0 and 1, was " + raw);
            }
            return p;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number between 0 and 1, was '" + raw + "'");
        }
    }

    /** Fails on any option not in {@code allowed}, naming it. */
    void allowOnly(Set<String> allowed) {
        Map<String, List<String>> unknown = new HashMap<>(options);
        unknown.keySet().removeAll(allowed);
        if (!unknown.isEmpty()) {
            throw new UsageException("unknown option --" + unknown.keySet().iterator().next()
                    + (command == null ? "" : " for '" + command + "'"));
        }
    }

    /** A command line that cannot be run as given; exit code 2. */
    static class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The command line is fine but the environment is not (no credentials); exit code 2, no usage hint. */
    static final class ConfigurationException extends UsageException {
        private static final long serialVersionUID = 1L;

        ConfigurationException(String message) {
            super(message);
        }
    }
}
