package dev.dbbrain.reactive.emulator.testing;

import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.WatchOptions;
import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that runs a {@link DbbrainEmulator} for a test class or a test method and hands the test the
 * emulator and a {@link DbbrainClient} pointed at it; both are closed afterwards.
 *
 * <pre>{@code
 * @ExtendWith(DbbrainEmulatorExtension.class)             // one emulator for the class
 * class KillTest {
 *     @Test
 *     void killsEverySession(DbbrainClient client, DbbrainEmulator emulator) {
 *         TaskInfo last = client.killProxySessions("crs-abcd1234").blockLast(Duration.ofSeconds(10));
 *         assertEquals("finished", last.status());
 *         assertEquals(1, emulator.stats().tasks().size());
 *     }
 * }
 * }</pre>
 *
 * <p><b>Scope.</b> Registered on the class ({@code @ExtendWith}, or a {@code static} {@code @RegisterExtension}
 * field) it starts one emulator and one client before all tests of the class (nested classes included) and closes
 * them after all; registered on an instance field or a test method it starts a fresh pair for every test method.
 * Parameters of type {@code DbbrainEmulator} and {@code DbbrainClient} of test methods, lifecycle methods and
 * constructors get the pair of their scope; {@link #emulator()} and {@link #client()} return it too.
 *
 * <p><b>Settings.</b> The emulator accepts {@link #SECRET_ID} / {@link #SECRET_KEY} (with which the client signs),
 * runs each task step in 100 ms and otherwise keeps {@link DbbrainEmulator.Builder}'s defaults (3 proxies per
 * instance, 20 requests per second per action, no faults); the client has a rate limiter of its own and polls
 * watches every 100 ms, so a kill is watched to its end in well under a second. Change either with
 * {@link #configureEmulator} and {@link #configureClient}:
 * <pre>{@code
 * @RegisterExtension
 * static final DbbrainEmulatorExtension dbbrain = new DbbrainEmulatorExtension()
 *         .configureEmulator(emulator -> emulator.proxies(5).fault502(0.2))
 *         .configureClient(client -> client.maxRetries(10));
 * }</pre>
 *
 * <p><b>Scripting.</b> A test scripts the injected emulator and asserts on what its client sent; after each test
 * the extension resets the script ({@link DbbrainEmulator#resetScripting()}: queued answers, dispatcher, recorded
 * requests) of a class-wide emulator, and fails the test if the emulator saw
 * {@link DbbrainEmulator#scriptingErrors() scripting errors} (with
 * {@code configureEmulator(b -> b.strictScripting(true))}, any request the test did not script):
 * <pre>{@code
 * @Test
 * void aDescribeThatFailsOnceIsRetried(DbbrainClient client, DbbrainEmulator emulator) {
 *     emulator.enqueue("DescribeProxySessionKillTasks", EmulatorAnswer.httpStatus(502),
 *             EmulatorAnswer.taskState(TaskStatus.FINISHED, 100));
 *     DescribeProxySessionKillTasksResponse answer = client.describeProxySessionKillTasks(
 *             DescribeProxySessionKillTasksRequest.of("crs-abcd1234", 7L)).block(Duration.ofSeconds(10));
 *     assertEquals("finished", answer.tasks().get(0).status());
 *     assertEquals(2, emulator.requestCount());
 * }
 * }</pre>
 *
 * <p>Instance IDs: the emulator knows every ID of the form {@code crs-} followed by eight lower-case letters or
 * digits ({@code crs-abcd1234}); any other is answered with {@code ResourceNotFound}.
 *
 * <p>Needs {@code org.junit.jupiter:junit-jupiter-api} 5.12 or newer (JUnit 6 included) on the test class path: an
 * optional dependency of this artifact, which every JUnit 5 test project has.
 */
public final class DbbrainEmulatorExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {

    /** The SecretId the emulator accepts and the client signs with. */
    public static final String SECRET_ID = "AKIDdbbrainEmulatorTest";
    /** The SecretKey the emulator accepts and the client signs with. */
    public static final String SECRET_KEY = "dbbrain-emulator-test-key";

    static final Duration STEP = Duration.ofMillis(100);

    private final Consumer<DbbrainEmulator.Builder> emulatorSettings;
    private final Consumer<DbbrainClient.Builder> clientSettings;
    private volatile Running latest;

    /** An extension with the default settings described above. */
    public DbbrainEmulatorExtension() {
        this(emulator -> { }, client -> { });
    }

    private DbbrainEmulatorExtension(Consumer<DbbrainEmulator.Builder> emulatorSettings,
            Consumer<DbbrainClient.Builder> clientSettings) {
        this.emulatorSettings = emulatorSettings;
        this.clientSettings = clientSettings;
    }

    /**
     * Returns an extension that also applies these settings to the emulator's builder, after the defaults (and after
     * the settings given before).
     *
     * @param settings changes to the emulator's builder, such as {@code b -> b.proxies(5)}
     * @return a new extension
     */
    public DbbrainEmulatorExtension configureEmulator(Consumer<DbbrainEmulator.Builder> settings) {
        Objects.requireNonNull(settings, "settings must not be null");
        return new DbbrainEmulatorExtension(emulatorSettings.andThen(settings), clientSettings);
    }

    /**
     * Returns an extension that also applies these settings to the client's builder, after the defaults (endpoint,
     * credentials, an own rate limiter, 100 ms watch polling) and after the settings given before.
     *
     * @param settings changes to the client's builder, such as {@code b -> b.maxRetries(10)}
     * @return a new extension
     */
    public DbbrainEmulatorExtension configureClient(Consumer<DbbrainClient.Builder> settings) {
        Objects.requireNonNull(settings, "settings must not be null");
        return new DbbrainEmulatorExtension(emulatorSettings, clientSettings.andThen(settings));
    }

    /**
     * Returns the emulator started last by this extension: for a {@code static} field, the class's.
     *
     * @return the running emulator
     * @throws IllegalStateException if none is running
     */
    public DbbrainEmulator emulator() {
        return running().emulator();
    }

    /**
     * Returns the client pointed at {@link #emulator()}.
     *
     * @return the client
     * @throws IllegalStateException if no emulator is running
     */
    public DbbrainClient client() {
        return running().client();
    }

    private Running running() {
        Running current = latest;
        if (current == null) {
            throw new IllegalStateException("no DBbrain emulator is running: the extension starts one before all "
                    + "tests of its class, or before each test when it is registered on an instance field");
        }
        return current;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        startUnlessRunning(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        startUnlessRunning(context);
    }

    /**
     * Ends a test: a pair started for it is closed; a pair of the class has its scripting reset. Either way, if the
     * emulator saw {@link DbbrainEmulator#scriptingErrors() scripting errors} during the test, the test fails with
     * them.
     */
    @Override
    public void afterEach(ExtensionContext context) {
        Running running = store(context).get(Running.class, Running.class);
        List<String> errors = running == null ? List.of() : running.emulator().scriptingErrors();
        if (!stopIfStartedIn(context) && running != null) {
            running.emulator().resetScripting();
        }
        if (!errors.isEmpty()) {
            throw new AssertionError("The DBbrain emulator's script failed during this test:\n  "
                    + String.join("\n  ", errors));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopIfStartedIn(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == DbbrainEmulator.class || type == DbbrainClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Running running = store(extensionContext).get(Running.class, Running.class);
        if (running == null) {
            throw new ParameterResolutionException("No DBbrain emulator runs for "
                    + parameterContext.getDeclaringExecutable() + ": register DbbrainEmulatorExtension on the class "
                    + "(@ExtendWith or a static @RegisterExtension field) to inject it into a constructor");
        }
        return parameterContext.getParameter().getType() == DbbrainEmulator.class ? running.emulator()
                : running.client();
    }

    /** Starts a pair in this context unless one runs here or in an enclosing context (a nested class's parent). */
    private void startUnlessRunning(ExtensionContext context) {
        ExtensionContext.Store store = store(context);
        if (store.get(Running.class, Running.class) == null) {
            Running running = start();
            store.put(Running.class, running);
            latest = running;
        }
    }

    /** Closes the pair started in this very context, if any; returns whether there was one. */
    private boolean stopIfStartedIn(ExtensionContext context) {
        // remove() looks at this context's own store only: a class's pair outlives its test methods.
        Running running = store(context).remove(Running.class, Running.class);
        if (running != null) {
            if (latest == running) {
                latest = null;
            }
            running.close();
        }
        return running != null;
    }

    private ExtensionContext.Store store(ExtensionContext context) {
        return context.getStore(ExtensionContext.Namespace.create(DbbrainEmulatorExtension.class, this));
    }

    private Running start() {
        DbbrainEmulator.Builder emulatorBuilder = DbbrainEmulator.builder().credentials(SECRET_ID, SECRET_KEY)
                .stepDuration(STEP);
        emulatorSettings.accept(emulatorBuilder);
        DbbrainEmulator emulator = emulatorBuilder.start();
        try {
            DbbrainClient.Builder clientBuilder = DbbrainClient.builder()
                    .endpoint(emulator.endpoint())
                    .credentials(Credentials.of(SECRET_ID, SECRET_KEY))
                    // A budget of its own: the JVM-wide one of the SecretId would be shared by every test's emulator.
                    .rateLimiter(RateLimiter.builder().build())
                    .watchOptions(WatchOptions.defaults().pollInterval(STEP));
            clientSettings.accept(clientBuilder);
            return new Running(emulator, clientBuilder.build());
        } catch (RuntimeException | Error e) {
            emulator.stop();
            throw e;
        }
    }

    /** One emulator and the client pointed at it. */
    private record Running(DbbrainEmulator emulator, DbbrainClient client) {
        void close() {
            try {
                client.close();
            } finally {
                emulator.stop();
            }
        }
    }
}
