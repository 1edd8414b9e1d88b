package dev.dbbrain.reactive.docs;

import dev.dbbrain.reactive.spring.DbbrainProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders docs/configuration.md's tables from Spring Boot's configuration metadata, which
 * spring-boot-configuration-processor writes at compile time from {@link DbbrainProperties} and its Javadoc: one
 * table per group of properties, each with its type, default and description. The document's own prose stays; only
 * what lies between the {@value #START} and {@value #END} markers is rendered.
 */
final class ConfigurationReference {

    static final String START = "<!-- generated:start";
    static final String END = "<!-- generated:end -->";
    static final Path DOCUMENT = Path.of("docs", "configuration.md");
    static final String UPDATE_PROPERTY = "dbbrain.docs.update";
    static final String UPDATE_COMMAND = "./mvnw -B -q test -Dtest=ConfigurationReferenceTest -D" + UPDATE_PROPERTY
            + "=true";

    private static final Pattern QUALIFIED = Pattern.compile("(?:[a-z_][\\w]*\\.)+(?:\\w+\\$)*([A-Z]\\w*)");

    private ConfigurationReference() {
    }

    /** The metadata the build wrote beside the compiled {@link DbbrainProperties}. */
    static JsonNode compiledMetadata() {
        try {
            Path classes = Path.of(DbbrainProperties.class.getProtectionDomain().getCodeSource().getLocation()
                    .toURI());
            return JsonMapper.builder().build().readTree(Files.readString(
                    classes.resolve("META-INF").resolve("spring-configuration-metadata.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tables, one per group (the property names' parents), groups and properties in name order. */
    static String render(JsonNode metadata) {
        Map<String, List<JsonNode>> groups = new TreeMap<>();
        for (JsonNode property : metadata.get("properties")) {
            String name = property.get("name").stringValue();
            groups.computeIfAbsent(name.substring(0, name.lastIndexOf('.')), g -> new ArrayList<>()).add(property);
        }
        StringBuilder out = new StringBuilder();
        groups.forEach((group, properties) -> {
            properties.sort((a, b) -> a.get("name").stringValue().compareTo(b.get("name").stringValue()));
            out.append("## `").append(group).append("`\n\n");
            out.append("| property | type | default | description |\n|---|---|---|---|\n");
            for (JsonNode p : properties) {
                out.append("| `").append(p.get("name").stringValue()).append("` | ")
                        .append(cell(type(p.get("type").stringValue()))).append(" | ")
                        .append(cell(defaultValue(p.get("defaultValue")))).append(" | ")
                        .append(cell(description(p))).append(" |\n");
            }
            out.append('\n');
        });
        return out.toString().stripTrailing() + "\n";
    }

    /** The document with its generated part replaced by {@code generated}; the prose around it is kept. */
    static String splice(String document, String generated) {
        int start = document.indexOf(START);
        int end = document.indexOf(END);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("the configuration reference has no '" + START + " ... -->' and '" + END
                    + "' markers around its generated part");
        }
        int afterStartLine = document.indexOf('\n', start) + 1;
        return document.substring(0, afterStartLine) + "\n" + generated + "\n" + document.substring(end);
    }

    /** A line diff of two texts, {@code -} for lines only in {@code expected}, {@code +} for those only in actual. */
    static String diff(String expected, String actual) {
        List<String> a = Arrays.asList(expected.split("\n", -1));
        List<String> b = Arrays.asList(actual.split("\n", -1));
        int[][] common = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                common[i][j] = a.get(i).equals(b.get(j)) ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                i++;
                j++;
            } else if (i < a.size() && (j == b.size() || common[i + 1][j] >= common[i][j + 1])) {
                out.append(String.format("-%4d  %s%n", i + 1, a.get(i)));
                i++;
            } else {
                out.append(String.format("+%4d  %s%n", j + 1, b.get(j)));
                j++;
            }
        }
        return out.toString();
    }

    /** {@code java.util.List<org.springframework.core.io.Resource>} as {@code List<Resource>}; enums with values. */
    static String type(String javaType) {
        String simple = QUALIFIED.matcher(javaType).replaceAll("$1");
        if (!javaType.contains("<")) {
            try {
                Class<?> type = Class.forName(javaType, false, ConfigurationReference.class.getClassLoader());
                if (type.isEnum()) {
                    StringJoiner values = new StringJoiner("`, `", " (`", "`)");
                    for (Object constant : type.getEnumConstants()) {
                        values.add(((Enum<?>) constant).name());
                    }
                    return "`" + simple + "`" + values;
                }
            } catch (ClassNotFoundException e) {
                // Not on the test class path: its simple name is enough.
            }
        }
        return "`" + simple + "`";
    }

    private static String defaultValue(JsonNode value) {
        if (value == null || value.isNull()) {
            return "";
        }
        if (value.isArray()) {
            StringJoiner items = new StringJoiner(", ");
            value.forEach(item -> items.add("`" + item.asString() + "`"));
            return items.toString();
        }
        return "`" + value.asString() + "`";
    }

    private static String description(JsonNode property) {
        JsonNode description = property.get("description");
        String text = description == null ? "" : description.stringValue();
        JsonNode deprecation = property.get("deprecation");
        if (deprecation != null) {
            text += " **Deprecated**" + (deprecation.has("reason") ? ": " + deprecation.get("reason").stringValue()
                    : "") + (deprecation.has("replacement")
                    ? "; use `" + deprecation.get("replacement").stringValue() + "`" : "") + ".";
        }
        return text;
    }

    private static String cell(String text) {
        return text.replace("\r", "").replace('\n', ' ').replace("|", "\\|");
    }
}
