package dev.dbbrain.reactive.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One Markdown file as the documentation checks read it: its fenced code blocks, the text outside them, its links
 * and the anchors its headings make on GitHub. Only what the checks need; not a Markdown renderer.
 */
final class Markdown {

    /** A fenced code block; {@code firstLine} is the 1-based line in the file of its first code line. */
    record Block(String language, int firstLine, List<String> lines) {
    }

    /** A line of text outside code blocks, 1-based. */
    record Line(int number, String text) {
    }

    /** A link {@code [text](target)} of the text, on its 1-based line. */
    record Link(int line, String target) {
    }

    private static final Pattern FENCE = Pattern.compile("^(\\s*)(`{3,}|~{3,})\\s*([\\w+-]*).*$");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern INLINE_CODE = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern LINK = Pattern.compile("!?\\[(?:[^\\[\\]]|\\[[^\\]]*\\])*\\]\\(\\s*<?([^)\\s>]+)>?"
            + "(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");

    private final Path file;
    private final List<Block> blocks = new ArrayList<>();
    private final List<Line> text = new ArrayList<>();

    private Markdown(Path file, List<String> lines) {
        this.file = file;
        int i = 0;
        while (i < lines.size()) {
            Matcher fence = FENCE.matcher(lines.get(i));
            if (!fence.matches()) {
                text.add(new Line(i + 1, lines.get(i)));
                i++;
                continue;
            }
            String marker = fence.group(2);
            int start = i + 1;
            List<String> code = new ArrayList<>();
            i++;
            while (i < lines.size() && !closes(lines.get(i), marker)) {
                code.add(lines.get(i));
                i++;
            }
            blocks.add(new Block(fence.group(3).toLowerCase(Locale.ROOT), start + 1, unindent(code,
                    fence.group(1).length())));
            i++;
        }
    }

    static Markdown read(Path file) {
        try {
            return new Markdown(file, Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The user's documents, whose Java blocks are compiled: README.md and docs/**.md. */
    static List<Path> userDocuments(Path root) {
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> walk = Files.walk(docs)) {
                walk.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /** Every Markdown file of the repository, outside build output, dependencies and hidden folders. */
    static List<Path> allDocuments(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p))
                    .filter(p -> {
                        for (Path part : root.relativize(p)) {
                            String name = part.toString();
                            if (name.startsWith(".") || name.equals("target") || name.equals("node_modules")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path file() {
        return file;
    }

    List<Block> blocks() {
        return blocks;
    }

    /** The lines outside code blocks. */
    List<Line> text() {
        return text;
    }

    /** The links of the text (inline code left out), and the targets of reference definitions. */
    List<Link> links() {
        List<Link> links = new ArrayList<>();
        for (Line line : text) {
            String withoutCode = INLINE_CODE.matcher(line.text()).replaceAll("");
            Matcher m = LINK.matcher(withoutCode);
            while (m.find()) {
                links.add(new Link(line.number(), m.group(1)));
            }
            Matcher reference = REFERENCE.matcher(withoutCode);
            if (reference.matches()) {
                links.add(new Link(line.number(), reference.group(1)));
            }
        }
        return links;
    }

    /** The anchors GitHub gives this file's headings ({@code #watching-tasks}), and explicit HTML anchors. */
    Set<String> anchors() {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Line line : text) {
            Matcher heading = HEADING.matcher(line.text());
            if (heading.matches()) {
                String slug = slug(heading.group(1));
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(n == 0 ? slug : slug + "-" + n);
            }
            Matcher html = HTML_ANCHOR.matcher(line.text());
            while (html.find()) {
                anchors.add(html.group(1));
            }
        }
        return anchors;
    }

    /**
     * The text between two marker lines (HTML comments starting with the given words), or fails naming the file.
     */
    String between(String start, String end) {
        StringBuilder between = null;
        for (Line line : text) {
            String trimmed = line.text().trim();
            if (trimmed.startsWith("<!-- " + start)) {
                between = new StringBuilder();
            } else if (trimmed.startsWith("<!-- " + end)) {
                if (between == null) {
                    break;
                }
                return between.toString();
            } else if (between != null) {
                between.append(line.text()).append('\n');
            }
        }
        throw new IllegalStateException(file + " has no '<!-- " + start + "' ... '<!-- " + end + "' markers");
    }

    /** The line of a marker (an HTML comment starting with the given words), or 1. */
    int lineOf(String marker) {
        return text.stream().filter(l -> l.text().trim().startsWith("<!-- " + marker)).mapToInt(Line::number)
                .findFirst().orElse(1);
    }

    /**
     * GitHub's anchor for a heading: the text as shown (links and code marks dropped), lower case, with everything
     * but letters, digits, spaces, hyphens and underscores removed and spaces made hyphens.
     */
    static String slug(String heading) {
        String shown = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "");
        return shown.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "").replace(' ', '-');
    }

    private static boolean closes(String line, String marker) {
        String trimmed = line.trim();
        return trimmed.startsWith(marker) && trimmed.chars().allMatch(c -> c == marker.charAt(0));
    }

    /** A fence indented inside a list item: its code lines carry the same indentation. */
    private static List<String> unindent(List<String> code, int indent) {
        if (indent == 0) {
            return code;
        }
        List<String> out = new ArrayList<>(code.size());
        for (String line : code) {
            int strip = 0;
            while (strip < indent && strip < line.length() && line.charAt(strip) == ' ') {
                strip++;
            }
            out.add(line.substring(strip));
        }
        return out;
    }
}
