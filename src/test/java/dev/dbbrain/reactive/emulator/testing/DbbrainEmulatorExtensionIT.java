package dev.dbbrain.reactive.emulator.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksRequest;
import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.TaskStatus;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorAnswer;
import dev.dbbrain.reactive.emulator.RecordedRequest;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

/**
 * The JUnit 5 extension hands tests a running emulator and a client for it, per class or per method, resets the
 * emulator's script after each test and fails a test whose emulator saw scripting errors.
 */
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

    @Nested
    @ExtendWith(DbbrainEmulatorExtension.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class ScriptedOnTheClass {

        @Test
        @Order(1)
        void aTestScriptsTheSharedEmulatorAndSeesWhatItsClientSent(DbbrainClient client, DbbrainEmulator emulator) {
            emulator.enqueue("CreateProxySessionKillTask", EmulatorAnswer.created(5), EmulatorAnswer.created(6));

            assertThat(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-junit003"))
                    .block(WAIT).asyncRequestId()).isEqualTo(5);
            RecordedRequest sent = emulator.takeRequest(WAIT);
            assertThat(sent.parameters()).containsEntry("InstanceId", "crs-junit003");
            assertThat(sent.secretId()).contains(DbbrainEmulatorExtension.SECRET_ID);
        }

        @Test
        @Order(2)
        void theNextTestStartsWithAnEmptyScriptAndNoRecordedRequests(DbbrainClient client, DbbrainEmulator emulator) {
            assertThat(emulator.requestCount()).isZero();
            assertThat(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-junit003"))
                    .block(WAIT).asyncRequestId()).as("created(6) was forgotten: the emulator's own ID")
                    .isGreaterThan(1000);
        }
    }

    /** The JUnit example of docs/testing.md ("Scripting the emulator"), as it stands there. */
    @Nested
    @ExtendWith(DbbrainEmulatorExtension.class)
    class KillRetryTest {

        @Test
        void aDescribeThatIsNotFoundThenFailsOnceThenFinishes(DbbrainClient client, DbbrainEmulator emulator) {
            emulator.enqueue("DescribeProxySessionKillTasks",
                    EmulatorAnswer.error("ResourceNotFound.InstanceNotFoundError", "The instance does not exist."),
                    EmulatorAnswer.httpStatus(502),
                    EmulatorAnswer.taskState(TaskStatus.FINISHED, 100));
            DescribeProxySessionKillTasksRequest describe = DescribeProxySessionKillTasksRequest.of("crs-abcd1234", 7L);

            DbbrainApiException notFound = Assertions.assertThrows(DbbrainApiException.class,
                    () -> client.describeProxySessionKillTasks(describe).block(Duration.ofSeconds(10)));
            Assertions.assertEquals("ResourceNotFound.InstanceNotFoundError", notFound.code());
            // The 502 is retried (a Describe is safe to send again) and the retry reads "finished".
            TaskInfo task = client.describeProxySessionKillTasks(describe).block(Duration.ofSeconds(10)).tasks()
                    .get(0);
            Assertions.assertEquals(TaskStatus.FINISHED, task.taskStatus());

            Assertions.assertEquals(3, emulator.requestCount());
            RecordedRequest first = emulator.takeRequest(Duration.ofSeconds(5));
            Assertions.assertEquals("7", first.parameters().get("AsyncRequestIds.0"));
            Assertions.assertTrue(first.signatureVerified());
        }
    }

    @Test
    void theExtensionFailsATestWhoseEmulatorSawScriptingErrorsThenStopsIt() {
        DbbrainEmulatorExtension extension = new DbbrainEmulatorExtension()
                .configureEmulator(emulator -> emulator.strictScripting(true))
                .configureClient(client -> client.maxRetries(0));
        ExtensionContext test = FakeExtensionContext.create(null);
        extension.beforeEach(test);
        DbbrainEmulator emulator = extension.emulator();
        Throwable seenByTheClient = extension.client().describeProxySessionKillTasks(
                DescribeProxySessionKillTasksRequest.of("crs-junit004", 1L)).then(Mono.<Throwable>empty())
                .onErrorResume(Mono::just).block(WAIT);
        assertThat(seenByTheClient).hasMessageContaining("FailedOperation.EmulatorScript");

        assertThatThrownBy(() -> extension.afterEach(test)).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("The DBbrain emulator's script failed during this test:")
                .hasMessageContaining("strict scripting is on").hasMessageContaining("DescribeProxySessionKillTasks");
        assertThatThrownBy(() -> new Socket("127.0.0.1", emulator.port()).close())
                .as("stopped all the same").isInstanceOf(ConnectException.class);
    }

    @Test
    void aClassWideEmulatorHasItsScriptResetAfterEachTestEvenWhenTheTestFails() {
        DbbrainEmulatorExtension extension = new DbbrainEmulatorExtension();
        ExtensionContext testClass = FakeExtensionContext.create(null);
        extension.beforeAll(testClass);
        try {
            ExtensionContext first = FakeExtensionContext.create(testClass);
            extension.beforeEach(first);
            DbbrainEmulator emulator = extension.emulator();
            emulator.dispatcher(request -> {
                throw new IllegalStateException("a dispatcher bug");
            });
            extension.client().createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-junit005"))
                    .onErrorResume(e -> Mono.empty()).block(WAIT);
            assertThatThrownBy(() -> extension.afterEach(first)).hasMessageContaining("a dispatcher bug");

            ExtensionContext second = FakeExtensionContext.create(testClass);
            extension.beforeEach(second);
            assertThat(extension.emulator()).isSameAs(emulator);
            assertThat(emulator.scriptingErrors()).isEmpty();
            assertThat(emulator.requestCount()).isZero();
            assertThat(extension.client().createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(
                    "crs-junit005")).block(WAIT).asyncRequestId()).as("the dispatcher is gone").isPositive();
            extension.afterEach(second);
        } finally {
            extension.afterAll(testClass);
        }
    }

    @Test
    void accessorsFailClearlyWhenNothingRuns() {
        assertThatThrownBy(() -> new DbbrainEmulatorExtension().client())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no DBbrain emulator is running");
    }
}
