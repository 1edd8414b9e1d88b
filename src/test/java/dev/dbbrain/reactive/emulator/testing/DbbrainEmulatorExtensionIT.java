package dev.dbbrain.reactive.emulator.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JUnit 5 extension hands tests a running emulator and a client for it, per class or per method. */
class DbbrainEmulatorExtensionIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Nested
    @ExtendWith(DbbrainEmulatorExtension.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class DeclaredOnTheClass {

        private static final List<DbbrainEmulator> SEEN = new CopyOnWriteArrayList<>();
        private final DbbrainEmulator fromConstructor;

        DeclaredOnTheClass(DbbrainEmulator emulator) {
            this.fromConstructor = emulator;
        }

        @Test
        @Order(1)
        void aKillThroughTheInjectedClientIsWatchedToItsEnd(DbbrainClient client, DbbrainEmulator emulator) {
            List<TaskInfo> states = client.killProxySessions("crs-junit001").collectList().block(WAIT);

            assertThat(states).last().satisfies(last -> {
                assertThat(last.status()).isEqualTo("finished");
                assertThat(last.instProxyCount()).isEqualTo(3);
            });
            assertThat(emulator).isSameAs(fromConstructor);
            assertThat(emulator.stats().tasks()).hasSize(1);
            SEEN.add(emulator);
        }

        @Test
        @Order(2)
        void everyTestOfTheClassSharesOneEmulator(DbbrainEmulator emulator) {
            assertThat(SEEN).containsExactly(emulator);
            assertThat(emulator.stats().tasks()).as("the first test's task").hasSize(1);
        }

        @Nested
        class NestedClasses {
            @Test
            void getTheEnclosingClassesEmulator(DbbrainEmulator emulator) {
                assertThat(emulator).isSameAs(fromConstructor);
            }
        }
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class RegisteredOnAnInstanceField {

        private static final List<DbbrainEmulator> SEEN = new CopyOnWriteArrayList<>();

        @RegisterExtension
        final DbbrainEmulatorExtension dbbrain = new DbbrainEmulatorExtension()
                .configureEmulator(emulator -> emulator.proxies(5))
                .configureClient(client -> client.maxRetries(1));

        @Test
        @Order(1)
        void appliesTheSettingsAfterTheDefaults(DbbrainClient client) {
            TaskInfo last = client.killProxySessions("crs-junit002").blockLast(WAIT);

            assertThat(last.status()).isEqualTo("finished");
            assertThat(last.finishedProxyList()).hasSize(5);
            assertThat(client).isSameAs(dbbrain.client());
            SEEN.add(dbbrain.emulator());
        }

        @Test
        @Order(2)
        void startsAFreshEmulatorForEveryTest(DbbrainEmulator emulator) {
            assertThat(SEEN).hasSize(1).doesNotContain(emulator);
            assertThat(emulator.stats().tasks()).isEmpty();
        }

        @AfterAll
        static void theEmulatorsOfEarlierTestsWereStopped() {
            assertThat(SEEN).hasSize(1);
            assertThatThrownBy(() -> new Socket("127.0.0.1", SEEN.get(0).port()).close())
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void accessorsFailClearlyWhenNothingRuns() {
        assertThatThrownBy(() -> new DbbrainEmulatorExtension().client())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no DBbrain emulator is running");
    }
}
