package dev.dbbrain.reactive.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the documents refer to, checked against what exists: the {@code dbbrain.*} names they mention, and the
 * relative links between Markdown files with their anchors.
 */
final class DocumentReferences {

    /**
     * A {@code dbbrain.} name in text: not part of a longer dotted name ({@code dev.dbbrain.reactive}), letters,
     * digits, hyphens, dots and a trailing {@code *} for a group, an index {@code [0]} dropped. One followed by
     * {@code (} is a method called on a variable named {@code dbbrain}, not a property.
     */
    private static final Pattern NAME = Pattern.compile("(?<![\\w.\\-/@])dbbrain(?:\\.[A-Za-z0-9*][\\w*\\-]*)+");
    private static final Pattern ENVIRONMENT = Pattern.compile("\\bDBBRAIN_[A-Z0-9_]+\\b");
    private static final Pattern YAML_KEY = Pattern.compile("^(\\s*)([\\w.\\-]+)\\s*:(.*)$");
    private static final Pattern PROPERTIES_KEY = Pattern.compile("^\\s*(dbbrain\\.[^=:\\s]+)\\s*[=:].*$");
    /** Host names that start like a property: the service's endpoint and example hosts. */
    private static final Pattern HOST = Pattern.compile("dbbrain\\.tencentcloudapi\\.com|.*\\.example");
    private static final Pattern STRING_LITERAL = Pattern.compile("\"(dbbrain\\.[\\w.\\-]+)\"");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.\\-]*:.*");

    private DocumentReferences() {
    }

    /**
     * The names the documents may use: each property, each group ({@code dbbrain.watch}, also as
     * {@code dbbrain.watch.*}), and every {@code "dbbrain.…"} string literal of the main code (meter names).
     */
    static Set<String> knownNames(Set<String> properties, Path mainSources) {
        Set<String> known = new TreeSet<>(properties);
        for (String property : properties) {
            for (int dot = property.lastIndexOf('.'); dot > 0; dot = property.lastIndexOf('.', dot - 1)) {
                known.add(property.substring(0, dot));
                known.add(property.substring(0, dot) + ".*");
            }
        }
        try (Stream<Path> sources = Files.walk(mainSources)) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher literal = STRING_LITERAL.matcher(Files.readString(source));
                while (literal.find()) {
                    known.add(literal.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return known;
    }

    /**
     * Every {@code dbbrain.*} name of the documents that is not known, and every {@code DBBRAIN_*} variable that is
     * neither a property's environment form nor one of {@code otherVariables}; as {@code file:line: problem}.
     */
    static List<String> unknownNames(List<Path> files, Set<String> known, Set<String> properties,
            Set<String> otherVariables) {
        Set<String> variables = new TreeSet<>(otherVariables);
        for (String property : properties) {
            variables.add(property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            Markdown doc = Markdown.read(file);
            for (Markdown.Line line : doc.text()) {
                checkText(file, line.number(), line.text(), known, variables, problems);
            }
            for (Markdown.Block block : doc.blocks()) {
                // A properties block is checked more strictly below: its keys must be properties, not groups.
                for (int i = 0; i < block.lines().size() && !block.language().equals("properties"); i++) {
                    checkText(file, block.firstLine() + i, block.lines().get(i), known, variables, problems);
                }
                if (block.language().equals("yaml") || block.language().equals("yml")) {
                    yamlProperties(block).forEach((line, name) -> {
                        if (!properties.contains(name)) {
                            problems.add(file + ":" + line + ": " + name + " (yaml) is not a dbbrain property");
                        }
                    });
                }
                if (block.language().equals("properties")) {
                    for (int i = 0; i < block.lines().size(); i++) {
                        Matcher key = PROPERTIES_KEY.matcher(block.lines().get(i));
                        if (key.matches() && !properties.contains(key.group(1))) {
                            problems.add(file + ":" + (block.firstLine() + i) + ": " + key.group(1)
                                    + " is not a dbbrain property");
                        }
                    }
                }
            }
        }
        return problems;
    }

    private static void checkText(Path file, int line, String text, Set<String> known, Set<String> variables,
            List<String> problems) {
        Matcher name = NAME.matcher(text);
        while (name.find()) {
            String found = name.group().replaceAll("\\[\\d+]", "");
            while (found.endsWith(".") || found.endsWith("-")) {
                found = found.substring(0, found.length() - 1);
            }
            boolean methodCall = name.end() < text.length() && text.charAt(name.end()) == '(';
            // Micrometer's DefaultMeterObservationHandler adds <name>.active to an observation's timer.
            boolean derivedMeter = found.endsWith(".active") && known.contains(found.substring(0,
                    found.length() - ".active".length()));
            if (!known.contains(found) && !HOST.matcher(found).matches() && !methodCall && !derivedMeter) {
                problems.add(file + ":" + line + ": " + found
                        + " is neither a dbbrain property, a group of them nor a name in the main code");
            }
        }
        Matcher variable = ENVIRONMENT.matcher(text);
        while (variable.find()) {
            if (!variables.contains(variable.group())) {
                problems.add(file + ":" + line + ": " + variable.group()
                        + " is not the environment variable of a dbbrain property");
            }
        }
    }

    /** The {@code dbbrain.*} keys of a YAML block that hold a value (or a list), by line. */
    static Map<Integer, String> yamlProperties(Markdown.Block block) {
        Map<Integer, String> found = new HashMap<>();
        Deque<int[]> indents = new ArrayDeque<>();
        Deque<String> keys = new ArrayDeque<>();
        List<String> lines = block.lines();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.trim().startsWith("#") || line.trim().startsWith("- ")) {
                continue;
            }
            Matcher key = YAML_KEY.matcher(line);
            if (!key.matches()) {
                continue;
            }
            int indent = key.group(1).length();
            while (!indents.isEmpty() && indents.peek()[0] >= indent) {
                indents.pop();
                keys.pop();
            }
            indents.push(new int[] {indent});
            keys.push(key.group(2));
            List<String> path = new ArrayList<>(keys);
            Collections.reverse(path);
            String name = String.join(".", path);
            String value = key.group(3).replaceFirst("\\s+#.*$", "").trim();
            boolean parent = value.isEmpty() && nextKeyIsDeeper(lines, i, indent);
            if (name.startsWith("dbbrain.") && !parent) {
                found.put(block.firstLine() + i, name);
            }
        }
        return found;
    }

    private static boolean nextKeyIsDeeper(List<String> lines, int i, int indent) {
        for (int j = i + 1; j < lines.size(); j++) {
            String next = lines.get(j);
            if (next.isBlank() || next.trim().startsWith("#")) {
                continue;
            }
            Matcher key = YAML_KEY.matcher(next);
            return key.matches() && !next.trim().startsWith("- ") && key.group(1).length() > indent;
        }
        return false;
    }

    /**
     * Every relative link of the documents whose file does not exist (unless it is one of {@code pending}, files
     * other work adds) or whose {@code #anchor} is not a heading of its Markdown file; as {@code file:line: problem}.
     */
    static List<String> brokenLinks(Path root, List<Path> files, Set<String> pending) {
        Map<Path, Set<String>> anchors = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            for (Markdown.Link link : Markdown.read(file).links()) {
                String target = link.target();
                if (SCHEME.matcher(target).matches() || target.startsWith("//")) {
                    continue;
                }
                int hash = target.indexOf('#');
                String path = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
                String anchor = hash < 0 ? "" : target.substring(hash + 1);
                Path resolved = path.isEmpty() ? file
                        : (path.startsWith("/") ? root.resolve(path.substring(1)) : file.resolveSibling(path))
                                .normalize();
                String where = file + ":" + link.line() + ": link " + target;
                if (!resolved.toAbsolutePath().normalize().startsWith(root.toAbsolutePath().normalize())) {
                    problems.add(where + " leaves the repository");
                } else if (!Files.exists(resolved)) {
                    if (!pending.contains(root.relativize(resolved).toString().replace('\\', '/'))) {
                        problems.add(where + ": " + resolved + " does not exist");
                    }
                } else if (!anchor.isEmpty() && resolved.toString().endsWith(".md")
                        && !anchors.computeIfAbsent(resolved, p -> Markdown.read(p).anchors()).contains(anchor)) {
                    problems.add(where + ": " + resolved + " has no heading with the anchor #" + anchor);
                }
            }
        }
        return problems;
    }
}
