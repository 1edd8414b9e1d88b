package dev.dbbrain.reactive.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java example of README.md and docs/ compiles against this version: an example that rots fails the build,
 * naming its file and line. The imports and well-known names the examples may leave out are read from
 * docs/README.md, where readers see them.
 */
class DocumentationSnippetsTest {

    private static final Path ROOT = Path.of("");
    private static final Path CONVENTIONS = Path.of("docs", "README.md");
    private static final Pattern IMPORT = Pattern.compile("`([^`]+)`");
    private static final Pattern NAME_ROW = Pattern.compile("^\\|\\s*`(\\w+)`\\s*\\|\\s*`([^`]+)`\\s*\\|.*");

    @TempDir
    Path output;

    @Test
    void everyJavaExampleOfTheReadmeAndTheGuidesCompiles() {
        List<SnippetCompiler.Snippet> snippets = javaSnippets(Markdown.userDocuments(ROOT));

        List<SnippetCompiler.Failure> failures = compilerFor(CONVENTIONS)
                .compile(snippets, SnippetCompiler.testClassPath(), output);

        assertThat(snippets).as("Java examples found").hasSizeGreaterThan(15);
        assertThat(failures).as("Java examples that do not compile (file:line: message)").isEmpty();
    }

    @Test
    void anExampleThatDoesNotCompileFailsNamingItsFileLineAndTheCompilersMessage() throws IOException {
        Path guide = Files.writeString(output.resolve("guide.md"), """
                # A guide

                ```java
                DbbrainClient built = DbbrainClient.builder().region("ap-guangzhou").build();
                built.watch(instanceId, taskId).subscribe();
                ```

                Text between.

                ```java
                DbbrainClient client = DbbrainClient.builder()
                        .regionn("ap-guangzhou")
                        .build();
                ```
                """);

        List<SnippetCompiler.Failure> failures = compilerFor(CONVENTIONS)
                .compile(javaSnippets(List.of(guide)), SnippetCompiler.testClassPath(), output.resolve("classes"));

        assertThat(failures).hasSize(1);
        assertThat(failures.get(0).file()).isEqualTo(guide);
        assertThat(failures.get(0).line()).isEqualTo(12);
        assertThat(failures.get(0).toString()).contains("guide.md:12: ").contains("cannot find symbol")
                .contains("regionn");
    }

    @Test
    void aNameTheGuidesDoNotDeclareIsAnError() throws IOException {
        Path guide = Files.writeString(output.resolve("guide.md"), """
                ```java
                client.watch(instanceId, taskId).subscribe(task -> System.out.println(dbbrain));
                ```
                """);

        List<SnippetCompiler.Failure> failures = compilerFor(CONVENTIONS)
                .compile(javaSnippets(List.of(guide)), SnippetCompiler.testClassPath(), output.resolve("classes"));

        assertThat(failures).singleElement().asString().contains("guide.md:2: ").contains("symbol")
                .contains("dbbrain");
    }

    @Test
    void blocksAreSourceFilesMembersOrStatementsByTheirShape() {
        assertThat(SnippetCompiler.shape(List.of("@RestController", "class A {", "}")))
                .isEqualTo(SnippetCompiler.Shape.SOURCE_FILE);
        assertThat(SnippetCompiler.shape(List.of("@SpringBootTest(webEnvironment = RANDOM_PORT)", "@Other",
                "public final class A {}"))).isEqualTo(SnippetCompiler.Shape.SOURCE_FILE);
        assertThat(SnippetCompiler.shape(List.of("    @GetMapping(\"/x\")", "    Mono<String> x() {", "", "    }")))
                .isEqualTo(SnippetCompiler.Shape.MEMBERS);
        assertThat(SnippetCompiler.shape(List.of("var x = 1;", "    // indented comment")))
                .isEqualTo(SnippetCompiler.Shape.STATEMENTS);
    }

    static List<SnippetCompiler.Snippet> javaSnippets(List<Path> files) {
        List<SnippetCompiler.Snippet> snippets = new ArrayList<>();
        for (Path file : files) {
            for (Markdown.Block block : Markdown.read(file).blocks()) {
                if (block.language().equals("java")) {
                    snippets.add(new SnippetCompiler.Snippet(file, block.firstLine(), block.lines()));
                }
            }
        }
        return snippets;
    }

    /** The imports and well-known names documented in {@code conventions}, between their markers. */
    static SnippetCompiler compilerFor(Path conventions) {
        Markdown doc = Markdown.read(conventions);
        List<String> imports = new ArrayList<>();
        Matcher m = IMPORT.matcher(doc.between("snippet-imports:start", "snippet-imports:end"));
        while (m.find()) {
            imports.add(m.group(1).replaceAll("\\s+", " "));   // a code span may wrap at a space
        }
        Map<String, String> names = new LinkedHashMap<>();
        for (String row : doc.between("snippet-names:start", "snippet-names:end").split("\n")) {
            Matcher name = NAME_ROW.matcher(row);
            if (name.matches()) {
                names.put(name.group(1), name.group(2));
            }
        }
        assertThat(imports).as("imports documented in " + conventions).isNotEmpty();
        assertThat(names).as("well-known names documented in " + conventions).isNotEmpty();
        return new SnippetCompiler(imports, names, conventions, doc.lineOf("snippet-names:start"));
    }
}
