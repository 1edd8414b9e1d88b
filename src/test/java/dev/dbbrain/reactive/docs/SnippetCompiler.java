package dev.dbbrain.reactive.docs;

import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles the Java blocks of the documentation with javac, against the test class path.
 *
 * <p>A block is one of three shapes, told apart by its text (CONTRIBUTING.md says the same to writers):
 * <ul>
 *   <li>a <em>source file</em> when a line at column 0 declares a type (after any annotations and modifiers) or is
 *       an {@code import};</li>
 *   <li><em>members</em> of a class when every line is indented (the shape of more methods of a class shown
 *       before);</li>
 *   <li>otherwise <em>statements</em>, the body of a method that may throw anything.</li>
 * </ul>
 * Every block gets the documented imports and a package of its own, so two examples may declare the same class.
 * Members and statements sit in a class extending one that declares the documented well-known names as fields, so a
 * block may use them undeclared, and may also declare its own of the same name (a local or field hides them).
 */
final class SnippetCompiler {

    /** A Java block of {@code file}, whose first code line is line {@code line} of the file (1-based). */
    record Snippet(Path file, int line, List<String> code) {
    }

    /** A compiler error, placed in the documentation file. */
    record Failure(Path file, long line, String message) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + message;
        }
    }

    private static final Pattern TYPE_DECLARATION = Pattern.compile(
            "^(?:@\\w[\\w.]*(?:\\(.*\\))?\\s+)*(?:(?:public|protected|private|abstract|final|static|sealed"
                    + "|non-sealed|strictfp)\\s+)*(?:class|record|interface|enum|@interface)\\s+(\\w+).*");
    private static final Pattern IMPORT = Pattern.compile("^import\\s.*");
    private static final String NAMES_PACKAGE = "snippets";
    private static final String NAMES_CLASS = "WellKnownNames";

    private final List<String> imports;
    private final Map<String, String> names;
    private final Path namesFile;
    private final int namesLine;

    /**
     * @param imports the imports every block gets, as written after {@code import} ({@code java.time.*},
     *     {@code static org.junit.jupiter.api.Assertions.*})
     * @param names the well-known names a block may use undeclared, name to type, in order
     * @param namesFile where the names are documented, for a failure in their declarations
     * @param namesLine the line there
     */
    SnippetCompiler(List<String> imports, Map<String, String> names, Path namesFile, int namesLine) {
        this.imports = List.copyOf(imports);
        this.names = new LinkedHashMap<>(names);
        this.namesFile = namesFile;
        this.namesLine = namesLine;
    }

    enum Shape { SOURCE_FILE, MEMBERS, STATEMENTS }

    static Shape shape(List<String> code) {
        boolean allIndented = true;
        boolean any = false;
        for (String line : code) {
            if (TYPE_DECLARATION.matcher(line).matches() || IMPORT.matcher(line).matches()) {
                return Shape.SOURCE_FILE;
            }
            if (!line.isBlank()) {
                any = true;
                allIndented &= Character.isWhitespace(line.charAt(0));
            }
        }
        return any && allIndented ? Shape.MEMBERS : Shape.STATEMENTS;
    }

    /**
     * Compiles every snippet, each as its own compilation unit, in one javac run.
     *
     * @param snippets the blocks
     * @param classPath the class path to compile against
     * @param output where the class files go
     * @return the errors, each placed at its file and line; empty when everything compiles
     */
    List<Failure> compile(List<Snippet> snippets, String classPath, Path output) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no system Java compiler: the documentation checks need a JDK");
        }
        String importLine = importLine();
        List<Unit> units = new ArrayList<>();
        units.add(new Unit("snippets/" + NAMES_CLASS + ".java", "package " + NAMES_PACKAGE + "; " + importLine + "\n"
                + "public class " + NAMES_CLASS + " {\n" + fields() + "}\n", null, 0));
        for (int i = 0; i < snippets.size(); i++) {
            units.add(unit(snippets.get(i), "s" + i, importLine));
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = List.of("--release", "17", "-proc:none", "-implicit:none", "-Xlint:none",
                "-encoding", "UTF-8", "-classpath", classPath, "-d", output.toString());
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            javac.getTask(null, files, diagnostics, options, null, units).call();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Set<Failure> failures = new LinkedHashSet<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            String message = d.getMessage(Locale.ROOT);
            if (d.getSource() instanceof Unit unit && unit.snippet != null) {
                long line = unit.snippet.line() + d.getLineNumber() - 1 - unit.prefixLines;
                int index = (int) (d.getLineNumber() - 1 - unit.prefixLines);
                String code = index >= 0 && index < unit.snippet.code().size()
                        ? "\n    " + unit.snippet.code().get(index).strip() : "";
                failures.add(new Failure(unit.snippet.file(), line, message + code));
            } else if (d.getSource() instanceof Unit) {
                failures.add(new Failure(namesFile, namesLine, "a well-known name does not compile: " + message));
            } else {
                failures.add(new Failure(Path.of("?"), d.getLineNumber(), message));
            }
        }
        return List.copyOf(failures);
    }

    private Unit unit(Snippet snippet, String pkg, String importLine) {
        String header = "package " + NAMES_PACKAGE + "." + pkg + "; " + importLine + "\n";
        String code = String.join("\n", snippet.code()) + "\n";
        String base = NAMES_PACKAGE + "." + NAMES_CLASS;
        return switch (shape(snippet.code())) {
            case SOURCE_FILE -> new Unit(NAMES_PACKAGE + "/" + pkg + "/" + firstTypeName(snippet.code()) + ".java",
                    header + code, snippet, 1);
            case MEMBERS -> new Unit(NAMES_PACKAGE + "/" + pkg + "/Snippet.java",
                    header + "class Snippet extends " + base + " {\n" + code + "}\n", snippet, 2);
            case STATEMENTS -> new Unit(NAMES_PACKAGE + "/" + pkg + "/Snippet.java",
                    header + "class Snippet extends " + base + " { void run() throws Throwable {\n" + code + "}}\n",
                    snippet, 2);
        };
    }

    private static String firstTypeName(List<String> code) {
        for (String line : code) {
            Matcher m = TYPE_DECLARATION.matcher(line);
            if (m.matches()) {
                return m.group(1);
            }
        }
        return "Snippet";
    }

    private String importLine() {
        StringBuilder line = new StringBuilder();
        for (String i : imports) {
            line.append("import ").append(i).append("; ");
        }
        return line.toString();
    }

    private String fields() {
        StringBuilder fields = new StringBuilder();
        names.forEach((name, type) -> fields.append("    public ").append(type).append(' ').append(name)
                .append(";\n"));
        return fields.toString();
    }

    /** The class path of this JVM: the test class path, whether surefire put it on the class or module path. */
    static String testClassPath() {
        List<String> entries = new ArrayList<>();
        for (String property : List.of("surefire.test.class.path", "java.class.path", "jdk.module.path")) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                for (String entry : value.split(File.pathSeparator)) {
                    if (!entries.contains(entry)) {
                        entries.add(entry);
                    }
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** A source held in memory; {@code prefixLines} lines come before the snippet's first line. */
    private static final class Unit extends SimpleJavaFileObject {
        final String source;
        final Snippet snippet;
        final int prefixLines;

        Unit(String path, String source, Snippet snippet, int prefixLines) {
            super(URI.create("string:///" + path), Kind.SOURCE);
            this.source = source;
            this.snippet = snippet;
            this.prefixLines = prefixLines;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
        }
    }
}
