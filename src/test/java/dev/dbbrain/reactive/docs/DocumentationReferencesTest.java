package dev.dbbrain.reactive.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * What the documents name exists: every {@code dbbrain.*} property in a YAML or properties block or in the text,
 * every {@code DBBRAIN_*} variable, every relative link between the Markdown files and its anchor. And the README
 * stays a front page.
 */
class DocumentationReferencesTest {

    private static final Path ROOT = Path.of("");
    /**
     * Files other work adds, which the documents already link to: a link to one passes while it is missing and is
     * checked like any other once it exists.
     */
    private static final Set<String> PENDING = Set.of("CHANGELOG.md");
    /** Environment variables of this project's own build, not properties: .ci/run sets it for the Node SDK. */
    private static final Set<String> BUILD_VARIABLES = Set.of("DBBRAIN_NODE_SDK_DIR");

    @TempDir
    Path temp;

    @Test
    void theChecksReadEveryMarkdownFileOfTheRepository() {
        assertThat(Markdown.allDocuments(ROOT)).contains(Path.of("README.md"), Path.of("SECURITY.md"),
                Path.of("CONTRIBUTING.md"), Path.of("docs", "README.md"), Path.of("docs", "configuration.md"),
                Path.of("benchmarks", "README.md"), Path.of("examples", "kill-dashboard", "README.md"));
        assertThat(Markdown.allDocuments(ROOT)).noneMatch(p -> p.startsWith("target"));
    }

    @Test
    void everyDbbrainPropertyTheDocumentsNameExists() {
        Set<String> properties = properties();

        List<String> unknown = DocumentReferences.unknownNames(Markdown.allDocuments(ROOT),
                DocumentReferences.knownNames(properties, Path.of("src", "main", "java")), properties,
                BUILD_VARIABLES);

        assertThat(unknown).as("dbbrain names in the documents that exist nowhere (file:line: name)").isEmpty();
    }

    @Test
    void aMisspelledPropertyInYamlPropertiesTextOrAnEnvironmentVariableIsReported() throws IOException {
        Path guide = Files.writeString(temp.resolve("guide.md"), """
                Set `dbbrain.rate-limit.redis.url` (sic), `dbbrain.watch.*` and `dbbrain.client.requests` are fine,
                so are dbbrain.tencentcloudapi.com, `dev.dbbrain.reactive.spring` and `dbbrain.watchOptions()`.

                ```yaml
                dbbrain:
                  region: ap-guangzhou
                  rate-limit:
                    burst: 2
                    redis:
                      uri: redis://x
                  watch:
                    poll-intervall: 1s   # misspelled
                ```

                ```properties
                dbbrain.max-retries=3
                dbbrain.max-retry=3
                ```

                `DBBRAIN_RATE_LIMIT_REDIS_URI` is right, `DBBRAIN_RATE_LIMIT_REDIS_URL` is not.
                """);
        Set<String> properties = properties();

        List<String> unknown = DocumentReferences.unknownNames(List.of(guide),
                DocumentReferences.knownNames(properties, Path.of("src", "main", "java")), properties,
                BUILD_VARIABLES);

        assertThat(unknown).containsExactlyInAnyOrder(
                guide + ":1: dbbrain.rate-limit.redis.url is neither a dbbrain property, a group of them nor a name"
                        + " in the main code",
                guide + ":12: dbbrain.watch.poll-intervall (yaml) is not a dbbrain property",
                guide + ":17: dbbrain.max-retry is not a dbbrain property",
                guide + ":20: DBBRAIN_RATE_LIMIT_REDIS_URL is not the environment variable of a dbbrain property");
    }

    @Test
    void everyRelativeLinkBetweenTheMarkdownFilesAndItsAnchorResolves() {
        List<String> broken = DocumentReferences.brokenLinks(ROOT, Markdown.allDocuments(ROOT), PENDING);

        assertThat(broken).as("links that lead nowhere (file:line: link)").isEmpty();
    }

    @Test
    void aLinkToAMissingFileOrAnchorIsReported() throws IOException {
        Files.createDirectories(temp.resolve("docs"));
        Files.writeString(temp.resolve("README.md"), """
                # Front page

                ## Quick start with `Spring Boot`

                See [the guide](docs/guide.md#the-watch-cap), [the other](docs/guide.md#no-such-heading),
                [missing](docs/missing.md), [here](#quick-start-with-spring-boot), [web](https://example.com/x.md)
                and [pending](CHANGELOG.md).
                """);
        Path guide = Files.writeString(temp.resolve("docs").resolve("guide.md"), """
                # Guide

                ## The watch cap

                Back to [the front page](../README.md#front-page) and [nowhere](../README.md#nowhere).
                """);
        Path readme = temp.resolve("README.md");

        List<String> broken = DocumentReferences.brokenLinks(temp, List.of(readme, guide), Set.of("CHANGELOG.md"));

        assertThat(broken).hasSize(3);
        assertThat(broken.get(0)).startsWith(readme + ":5: link docs/guide.md#no-such-heading")
                .endsWith("has no heading with the anchor #no-such-heading");
        assertThat(broken.get(1)).startsWith(readme + ":6: link docs/missing.md").endsWith("does not exist");
        assertThat(broken.get(2)).startsWith(guide + ":5: link ../README.md#nowhere");
    }

    @Test
    void headingAnchorsAreGitHubs() {
        assertThat(Markdown.slug("Quick start with `Spring Boot`")).isEqualTo("quick-start-with-spring-boot");
        assertThat(Markdown.slug("`TaskInfo` as JSON")).isEqualTo("taskinfo-as-json");
        assertThat(Markdown.slug("Soak (issue 4)")).isEqualTo("soak-issue-4");
        assertThat(Markdown.slug("One budget for a fleet: Redis")).isEqualTo("one-budget-for-a-fleet-redis");
        assertThat(Markdown.slug("0.4 Headline: concurrency 64")).isEqualTo("04-headline-concurrency-64");
    }

    @Test
    void theReadmeIsAFrontPageThatShowsTheTestCommand() throws IOException {
        List<String> readme = Files.readAllLines(ROOT.resolve("README.md"));

        assertThat(readme.size()).as("README.md lines (the manual belongs in docs/)").isLessThanOrEqualTo(250);
        assertThat(Markdown.read(ROOT.resolve("README.md")).blocks())
                .anySatisfy(block -> assertThat(block.lines()).contains("./mvnw -B verify"));
    }

    private static Set<String> properties() {
        Set<String> names = new TreeSet<>();
        for (JsonNode property : ConfigurationReference.compiledMetadata().get("properties")) {
            names.add(property.get("name").stringValue());
        }
        return names;
    }
}
