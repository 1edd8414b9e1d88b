package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The library's jar holds what production runs: no emulator, no CLI, and no class of it refers to either; the
 * emulator jar (classifier {@code emulator}) holds the emulator and its test support, and nothing else. On the module
 * path the library's jar is the named module {@code dev.dbbrain.reactive} and the emulator jar the module
 * {@code dev.dbbrain.reactive.emulator} (examples/module-path-consumer runs them there).
 */
class MainJarContentsIT {

    private static final Path TARGET = Path.of("target");
    private static final String VERSION = DbbrainClient.version();

    @Test
    void theLibrarysJarHoldsNoEmulatorOrCliClassAndNoneOfItsClassesRefersToThem() throws IOException {
        List<String> entries = new ArrayList<>();
        List<String> referring = new ArrayList<>();
        try (JarFile jar = new JarFile(TARGET.resolve("dbbrain-reactive-" + VERSION + ".jar").toFile())) {
            for (JarEntry entry : jar.stream().toList()) {
                entries.add(entry.getName());
                if (entry.getName().endsWith(".class")) {
                    // Constant-pool strings are modified UTF-8, which equals ASCII for these names.
                    String text = new String(read(jar, entry), StandardCharsets.ISO_8859_1);
                    if (text.contains("dev/dbbrain/reactive/emulator") || text.contains("dev/dbbrain/reactive/cli")) {
                        referring.add(entry.getName());
                    }
                }
            }
        }
        assertThat(entries).contains("dev/dbbrain/reactive/DbbrainClient.class",
                "dev/dbbrain/reactive/spring/DbbrainAutoConfiguration.class",
                "dev/dbbrain/reactive/micrometer/DbbrainMicrometer.class",
                "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports");
        assertThat(entries).noneMatch(e -> e.startsWith("dev/dbbrain/reactive/emulator/")
                || e.startsWith("dev/dbbrain/reactive/cli/") || e.equals("META-INF/spring.factories"));
        assertThat(referring).isEmpty();
    }

    @Test
    void theEmulatorJarHoldsTheEmulatorAndItsTestSupportOnly() throws IOException {
        List<String> classes = new ArrayList<>();
        try (JarFile jar = new JarFile(TARGET.resolve("dbbrain-reactive-" + VERSION + "-emulator.jar").toFile())) {
            jar.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class")).forEach(classes::add);
            assertThat(jar.getEntry("META-INF/spring.factories")).isNotNull();
        }
        assertThat(classes).contains("dev/dbbrain/reactive/emulator/DbbrainEmulator.class",
                "dev/dbbrain/reactive/emulator/testing/DbbrainEmulatorExtension.class",
                "dev/dbbrain/reactive/emulator/testing/AutoConfigureDbbrainEmulator.class");
        assertThat(classes).allMatch(n -> n.startsWith("dev/dbbrain/reactive/emulator/"));
    }

    @Test
    void theLibrarysJarIsANamedModuleExportingItsApiPackagesAndInternalOnlyToTheEmulator() throws IOException {
        Path jar = TARGET.resolve("dbbrain-reactive-" + VERSION + ".jar");
        ModuleDescriptor module = ModuleFinder.of(jar).findAll().stream().map(ModuleReference::descriptor)
                .findFirst().orElseThrow();
        Set<String> held = new TreeSet<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            file.stream().map(JarEntry::getName)
                    .filter(n -> n.endsWith(".class") && !n.equals("module-info.class"))
                    .forEach(n -> held.add(n.substring(0, n.lastIndexOf('/')).replace('/', '.')));
        }

        assertThat(module.name()).isEqualTo("dev.dbbrain.reactive");
        assertThat(module.isAutomatic()).as("a module-info.class, not an Automatic-Module-Name").isFalse();
        Map<String, Set<String>> exports = module.exports().stream()
                .collect(Collectors.toMap(ModuleDescriptor.Exports::source, ModuleDescriptor.Exports::targets));
        // Every package the jar holds is exported, the internal one to the emulator's module only; nothing it does
        // not hold is (such a descriptor would not even load).
        assertThat(exports.keySet()).containsExactlyInAnyOrderElementsOf(held);
        assertThat(exports).containsEntry("dev.dbbrain.reactive.internal", Set.of("dev.dbbrain.reactive.emulator"));
        assertThat(exports.entrySet()).filteredOn(e -> !e.getKey().endsWith(".internal"))
                .allSatisfy(e -> assertThat(e.getValue()).as(e.getKey() + " exported to everyone").isEmpty());
        Map<String, Set<ModuleDescriptor.Requires.Modifier>> requires = module.requires().stream()
                .collect(Collectors.toMap(ModuleDescriptor.Requires::name, ModuleDescriptor.Requires::modifiers));
        assertThat(requires).containsEntry("reactor.core", Set.of(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
                .containsEntry("io.netty.codec.http", Set.of()).containsEntry("io.netty.transport", Set.of())
                .containsEntry("tools.jackson.core", Set.of())
                .containsEntry("lettuce.core", Set.of(ModuleDescriptor.Requires.Modifier.STATIC))
                .containsEntry("spring.boot.autoconfigure", Set.of(ModuleDescriptor.Requires.Modifier.STATIC))
                .containsEntry("micrometer.core", Set.of(ModuleDescriptor.Requires.Modifier.STATIC));
    }

    @Test
    void theEmulatorJarIsTheModuleDevDbbrainReactiveEmulator() {
        ModuleDescriptor module = ModuleFinder.of(TARGET.resolve("dbbrain-reactive-" + VERSION + "-emulator.jar"))
                .findAll().stream().map(ModuleReference::descriptor).findFirst().orElseThrow();
        assertThat(module.name()).isEqualTo("dev.dbbrain.reactive.emulator");
        assertThat(module.packages()).containsExactlyInAnyOrder("dev.dbbrain.reactive.emulator",
                "dev.dbbrain.reactive.emulator.testing");
    }

    @Test
    void theCliJarStillRunsTheEmulatorAndTheCli() throws IOException {
        try (JarFile jar = new JarFile(TARGET.resolve("dbbrain-cli.jar").toFile())) {
            assertThat(jar.getEntry("dev/dbbrain/reactive/cli/Main.class")).isNotNull();
            assertThat(jar.getEntry("dev/dbbrain/reactive/emulator/DbbrainEmulator.class")).isNotNull();
            assertThat(jar.getEntry("dev/dbbrain/reactive/DbbrainClient.class")).isNotNull();
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("dev.dbbrain.reactive.cli.Main");
        }
        assertThat(Files.exists(TARGET.resolve("cli-classes.jar"))).isTrue();
    }

    private static byte[] read(JarFile jar, JarEntry entry) throws IOException {
        try (InputStream in = jar.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }
}
