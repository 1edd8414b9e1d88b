package dev.dbbrain.plain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksRequest;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.testing.DbbrainEmulatorExtension;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

/**
 * The library without Spring: the builder, against the emulator of the test artifact through its JUnit extension,
 * on the Reactor release train this project imports; and what depending on the library alone puts on a class path.
 */
@ExtendWith(DbbrainEmulatorExtension.class)
class PlainReactorTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long MAX_RUNTIME_BYTES = 12L * 1024 * 1024;

    @Test
    void theExtensionsClientKillsAndWatchesToTheEnd(DbbrainClient client, DbbrainEmulator emulator) {
        List<TaskInfo> states = client.killProxySessions("crs-plain001", client.watchOptions()
                .deadline(Duration.ofSeconds(20))).collectList().block(WAIT);

        TaskInfo last = states.get(states.size() - 1);
        assertThat(last.status()).isEqualTo("finished");
        assertThat(last.taskStatus()).isEqualTo(TaskStatus.FINISHED);
        assertThat(client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-plain001",
                last.asyncRequestId())).block(WAIT).tasks()).singleElement()
                .satisfies(t -> assertThat(t.isTerminal()).isTrue());
        assertThat(emulator.stats().tasks()).hasSize(1);
    }

    @Test
    void theBuilderAloneMakesAWorkingClient(DbbrainEmulator emulator) {
        try (DbbrainClient client = DbbrainClient.builder()
                .endpoint(emulator.endpoint())
                .region("ap-guangzhou")
                .credentials(Credentials.of(DbbrainEmulatorExtension.SECRET_ID, DbbrainEmulatorExtension.SECRET_KEY))
                .build()) {
            TaskInfo last = client.killProxySessions("crs-plain002").blockLast(WAIT);
            assertThat(last.isTerminal()).isTrue();
        }
    }

    @Test
    void runsOnTheReactorReleaseTrainOfThisProject() {
        assertThat(implementationVersion(Flux.class)).startsWith(System.getProperty("expected.reactor-core"));
        assertThat(implementationVersion(HttpClient.class))
                .startsWith(System.getProperty("expected.reactor-netty"));
    }

    /** Written by the build: the runtime class path of a project that depends on dbbrain-reactive alone. */
    @Test
    void theRuntimeClassPathHasNoJacksonDatabindNoQuicNativesAndFitsIn12MiB() throws IOException {
        List<Path> jars = Arrays.stream(Files.readString(Path.of("target", "runtime-classpath.txt")).trim()
                .split(File.pathSeparator)).map(Path::of).toList();
        long total = 0;
        StringBuilder listing = new StringBuilder();
        for (Path jar : jars) {
            long size = Files.size(jar);
            total += size;
            listing.append(String.format("%,12d  %s%n", size, jar.getFileName()));
        }
        System.out.printf("Runtime class path (%d jars, %,d bytes = %.2f MiB):%n%s", jars.size(), total,
                total / 1048576.0, listing);

        assertThat(jars).extracting(p -> p.getFileName().toString())
                .anyMatch(n -> n.startsWith("dbbrain-reactive-"))
                .noneMatch(n -> n.startsWith("jackson-databind") || n.startsWith("jackson-annotations")
                        || n.startsWith("netty-codec-native-quic") || n.contains("-emulator"));
        assertThat(total).as("bytes of runtime jars").isLessThanOrEqualTo(MAX_RUNTIME_BYTES);
    }

    private static String implementationVersion(Class<?> type) {
        String version = type.getPackage().getImplementationVersion();
        assertThat(version).as(type + "'s Implementation-Version").isNotNull();
        return version;
    }
}
