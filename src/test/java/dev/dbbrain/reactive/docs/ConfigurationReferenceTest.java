package dev.dbbrain.reactive.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * docs/configuration.md is what the properties' metadata renders now, so the reference cannot drift from
 * {@code DbbrainProperties}. With {@code -Ddbbrain.docs.update=true} the test rewrites the document instead of
 * failing (the command CONTRIBUTING.md gives).
 */
class ConfigurationReferenceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void theCommittedReferenceIsWhatThePropertiesMetadataRendersNow() throws IOException {
        String committed = Files.readString(ConfigurationReference.DOCUMENT);
        String rendered = ConfigurationReference.splice(committed,
                ConfigurationReference.render(ConfigurationReference.compiledMetadata()));

        if (Boolean.getBoolean(ConfigurationReference.UPDATE_PROPERTY)) {
            if (!rendered.equals(committed)) {
                Files.writeString(ConfigurationReference.DOCUMENT, rendered);
            }
            return;
        }
        if (!rendered.equals(committed)) {
            fail(ConfigurationReference.DOCUMENT + " is not what the properties' metadata renders now"
                    + " (- committed, + rendered):\n" + ConfigurationReference.diff(committed, rendered)
                    + "Regenerate it with\n    " + ConfigurationReference.UPDATE_COMMAND + "\nand commit it.");
        }
    }

    @Test
    void aChangedDefaultMakesTheReferenceStaleAndTheDifferenceNamesIt() throws IOException {
        String document = Files.readString(ConfigurationReference.DOCUMENT);
        JsonNode metadata = ConfigurationReference.compiledMetadata();
        String current = ConfigurationReference.splice(document, ConfigurationReference.render(metadata));
        JsonNode changed = metadata.deepCopy();
        for (JsonNode property : changed.get("properties")) {
            if (property.get("name").stringValue().equals("dbbrain.max-retries")) {
                ((ObjectNode) property).put("defaultValue", 7);
            }
        }

        String rendered = ConfigurationReference.splice(document, ConfigurationReference.render(changed));

        assertThat(rendered).isNotEqualTo(current);
        String diff = ConfigurationReference.diff(current, rendered);
        assertThat(diff.lines()).hasSize(2);
        assertThat(diff).contains("-").contains("`dbbrain.max-retries` | `Integer` | `6` |")
                .contains("+").contains("`dbbrain.max-retries` | `Integer` | `7` |");
    }

    @Test
    void rendersOneTablePerGroupWithTypeDefaultAndDescription() {
        JsonNode metadata = JSON.readTree("""
                {"properties": [
                  {"name": "demo.watch.poll-interval", "type": "java.time.Duration", "defaultValue": "1s",
                   "description": "Time between polls | while nothing changes."},
                  {"name": "demo.language", "type": "dev.dbbrain.reactive.Language", "description": "Language."},
                  {"name": "demo.hosts", "type": "java.util.List<java.lang.String>", "defaultValue": ["a", "b"]},
                  {"name": "demo.old", "type": "java.lang.Integer", "description": "Old.",
                   "deprecation": {"reason": "gone", "replacement": "demo.new"}}
                ]}
                """);

        assertThat(ConfigurationReference.render(metadata)).isEqualTo("""
                ## `demo`

                | property | type | default | description |
                |---|---|---|---|
                | `demo.hosts` | `List<String>` | `a`, `b` |  |
                | `demo.language` | `Language` (`ZH_CN`, `EN_US`) |  | Language. |
                | `demo.old` | `Integer` |  | Old. **Deprecated**: gone; use `demo.new`. |

                ## `demo.watch`

                | property | type | default | description |
                |---|---|---|---|
                | `demo.watch.poll-interval` | `Duration` | `1s` | Time between polls \\| while nothing changes. |
                """);
    }

    @Test
    void keepsTheProseAroundTheMarkersAndRefusesADocumentWithoutThem() {
        String document = "# Title\n\nProse.\n\n" + ConfigurationReference.START + " note -->\nold table\n"
                + ConfigurationReference.END + "\n\nAfter.\n";

        assertThat(ConfigurationReference.splice(document, "new table\n")).isEqualTo("# Title\n\nProse.\n\n"
                + ConfigurationReference.START + " note -->\n\nnew table\n\n" + ConfigurationReference.END
                + "\n\nAfter.\n");
        assertThatThrownBy(() -> ConfigurationReference.splice("# Title\n", "new table\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("markers");
    }
}
