package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.auth.CredentialsProvider;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorAnswer;
import dev.dbbrain.reactive.emulator.RecordedRequest;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import java.nio.charset.StandardCharsets;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A full run with faults — creates, watches, retries, throttling, resets, garbled answers, auth failures, signature
 * expiry and clock correction, refused connections, timeouts, temporary credentials with a session token — with
 * every logger of the JVM at its most verbose level and every signal of every Reactor operator recorded: the secret
 * keys and the session token appear in no log line, no exception (message, {@code toString}, cause chain,
 * suppressed) and no value's {@code toString}.
 *
 * <p>This project logs through Reactor's and Netty's logger facades, which fall back to {@code java.util.logging}
 * when no SLF4J is on the class path (none is, in tests): a handler on the JUL root at {@code ALL} sees every line.
 */
class SecretsNeverLeakIT {

    private static final String SECRET_KEY = "PermanentSecretKey-7Qx9LmZ2";
    private static final String TEMPORARY_KEY = "TemporarySecretKey-Vb4Nw8Kd";
    private static final String TOKEN = "SessionToken-Hj3Rt6Yp";
    private static final List<String> SECRETS = List.of(SECRET_KEY, TEMPORARY_KEY, TOKEN,
            // Distinctive halves too, so that a cut or split secret is caught as well.
            "7Qx9LmZ2", "Vb4Nw8Kd", "Hj3Rt6Yp");
    private static final String HOOK = "secrets-never-leak";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static final Queue<String> LOG_LINES = new ConcurrentLinkedQueue<>();
    private static final Queue<String> LOGGERS_SEEN = new ConcurrentLinkedQueue<>();
    private static final Queue<Throwable> ERRORS = new ConcurrentLinkedQueue<>();
    private static final Queue<String> VALUES = new ConcurrentLinkedQueue<>();
    private static final Map<String, Level> SAVED_LEVELS = new HashMap<>();
    private static final Map<Handler, Level> SAVED_HANDLER_LEVELS = new HashMap<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            StringBuilder line = new StringBuilder(record.getLevel() + " " + record.getLoggerName() + " "
                    + record.getMessage());
            if (record.getParameters() != null) {
                for (Object parameter : record.getParameters()) {
                    line.append(" | ").append(parameter);
                }
            }
            LOG_LINES.add(line.toString());
            LOGGERS_SEEN.add(record.getLevel().intValue() < Level.INFO.intValue() ? record.getLoggerName() : "");
            if (record.getThrown() != null) {
                ERRORS.add(record.getThrown());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void captureEverything() {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            // The console would print millions of lines; the capturing handler takes them instead.
            SAVED_HANDLER_LEVELS.put(h, h.getLevel());
            h.setLevel(Level.OFF);
        }
        for (String name : List.of("", "reactor", "reactor.netty", "io.netty", "dev.dbbrain")) {
            Logger logger = Logger.getLogger(name);
            SAVED_LEVELS.put(name, logger.getLevel());
            logger.setLevel(Level.ALL);
        }
        CAPTURE.setLevel(Level.ALL);
        root.addHandler(CAPTURE);
        Hooks.onEachOperator(HOOK, Operators.lift((scannable, subscriber) -> new Recording<>(subscriber)));
        Hooks.onErrorDropped(ERRORS::add);
        Hooks.onNextDropped(value -> VALUES.add(String.valueOf(value)));
    }

    @AfterAll
    static void restore() {
        Hooks.resetOnEachOperator(HOOK);
        Hooks.resetOnErrorDropped();
        Hooks.resetOnNextDropped();
        Logger root = LogManager.getLogManager().getLogger("");
        root.removeHandler(CAPTURE);
        SAVED_LEVELS.forEach((name, level) -> Logger.getLogger(name).setLevel(level));
        SAVED_HANDLER_LEVELS.forEach(Handler::setLevel);
    }

    /** Records every value's {@code toString} and every error passing through an operator. */
    private static final class Recording<T> implements CoreSubscriber<T> {
        private final CoreSubscriber<? super T> actual;

        Recording(CoreSubscriber<? super T> actual) {
            this.actual = actual;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            actual.onSubscribe(s);
        }

        @Override
        public void onNext(T value) {
            if (!(value instanceof io.netty.buffer.ByteBuf)) {
                VALUES.add(String.valueOf(value));
            }
            actual.onNext(value);
        }

        @Override
        public void onError(Throwable t) {
            ERRORS.add(t);
            actual.onError(t);
        }

        @Override
        public void onComplete() {
            actual.onComplete();
        }
    }

    @Test
    void noSecretKeyOrSessionTokenInAnyLogLineExceptionOrValueThroughAFullRunWithFaults() throws Exception {
        List<Object> seen = new ArrayList<>();
        Credentials permanent = Credentials.of("AKIDpermanent01", SECRET_KEY);
        Credentials temporary = Credentials.of("AKIDtemporary01", TEMPORARY_KEY, TOKEN);
        try (DbbrainEmulator emulator = DbbrainEmulator.builder()
                .credentials(permanent.secretId(), permanent.secretKey())
                .temporaryCredentials(temporary.secretId(), temporary.secretKey(), TOKEN)
                .stepDuration(Duration.ofMillis(20)).rateLimit(20)
                .fault502(0.06).faultReset(0.06).faultMalformed(0.06).faultInternalError(0.06).faultThrottle(0.06)
                .start();
                DbbrainEmulator silent = DbbrainEmulator.builder()
                        .temporaryCredentials(temporary.secretId(), temporary.secretKey(), TOKEN).start()) {
            silent.dispatcher(request -> EmulatorAnswer.noAnswer());
            seen.add(emulator);
            DbbrainClient.Builder base = DbbrainClient.builder().endpoint(emulator.endpoint())
                    .rateLimiter(RateLimiter.unlimited()).retryBackoff(Duration.ofMillis(5), Duration.ofMillis(40))
                    .watchOptions(WatchOptions.defaults().pollInterval(Duration.ofMillis(30))
                            .deadline(Duration.ofSeconds(20)));
            List<DbbrainClient> clients = new ArrayList<>();

            // Kills followed to their end with temporary credentials, and with permanent ones, through the faults.
            DbbrainClient withToken = base.credentials(temporary).build();
            DbbrainClient withKey = base.credentials(permanent).build();
            clients.add(withToken);
            clients.add(withKey);
            Flux<Object> kills = Flux.range(0, 24).flatMap(i -> (i % 2 == 0 ? withToken : withKey)
                    .killProxySessions(String.format("crs-secret%02d", i))
                    .cast(Object.class).onErrorResume(e -> Mono.just(e)), 8);
            seen.addAll(kills.collectList().block(WAIT));

            // Refusals: wrong key, unknown SecretId, temporary key without its token, a clock ten minutes off
            // (corrected from the Date header, then sent again), a provider that fails.
            clients.add(base.credentials(Credentials.of(permanent.secretId(), SECRET_KEY + "x")).build());
            clients.add(base.credentials(Credentials.of("AKIDunknown", SECRET_KEY)).build());
            clients.add(base.credentials(Credentials.of(temporary.secretId(), TEMPORARY_KEY)).build());
            clients.add(base.credentials(temporary).clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10)))
                    .build());
            clients.add(base.credentialsProvider(() -> Mono.error(new IllegalStateException("vault sealed")))
                    .build());
            // No answer at all: a refused connection and a server that never answers.
            int closedPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                closedPort = socket.getLocalPort();
            }
            clients.add(base.credentials(temporary).endpoint("http://127.0.0.1:" + closedPort).build());
            clients.add(base.credentials(temporary).endpoint(silent.endpoint()).responseTimeout(Duration.ofMillis(200))
                    .maxRetries(1).build());
            for (DbbrainClient client : clients.subList(2, clients.size())) {
                seen.add(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of("crs-secret99"))
                        .cast(Object.class).onErrorResume(Mono::just).block(WAIT));
                seen.add(client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of("crs-secret99", 1L))
                        .cast(Object.class).onErrorResume(Mono::just).block(WAIT));
                seen.add(client.watch("crs-secret99", 1L, WatchOptions.defaults().notFoundGrace(Duration.ofMillis(100)))
                        .then().cast(Object.class).onErrorResume(Mono::just).block(WAIT));
            }
            for (DbbrainClient client : clients) {
                seen.add(client);
                seen.add(client.stats());
                client.close();
            }
            seen.add(emulator.stats());
            // What the emulators recorded of every request: a recording may be printed or logged.
            for (DbbrainEmulator server : List.of(emulator, silent)) {
                seen.add(server);
                for (Optional<RecordedRequest> r = server.pollRequest(); r.isPresent(); r = server.pollRequest()) {
                    seen.add(r.get());
                    seen.add(new String(r.get().body(), StandardCharsets.UTF_8));
                    seen.add(r.get().header("Content-Type").orElse(""));
                }
            }
            seen.addAll(List.of(permanent, temporary, CredentialsProvider.of(temporary), base,
                    CredentialsProvider.defaultChain(), WatchOptions.defaults()));
        }

        // Canaries: a debug line and an operator error carrying a marker must be seen, or the capture is broken.
        reactor.util.Loggers.getLogger("reactor.netty.canary").debug("canary-line {}", "marker-1");
        Mono.error(new IllegalStateException("canary-error")).map(Object::toString).onErrorResume(e -> Mono.empty())
                .block(WAIT);
        assertThat(LOG_LINES).anyMatch(line -> line.contains("canary-line") && line.contains("marker-1"));
        assertThat(ERRORS).anyMatch(e -> "canary-error".equals(e.getMessage()));

        List<Throwable> errors = new ArrayList<>(ERRORS);
        seen.stream().filter(Throwable.class::isInstance).map(Throwable.class::cast).forEach(errors::add);
        assertThat(errors.stream().map(Object::getClass).map(Class::getSimpleName).distinct())
                .as("the run went through the failures it is meant to").contains("DbbrainApiException",
                        "DbbrainTransportException", "DbbrainCredentialsException", "DbbrainWatchException");
        assertThat(errors).extracting(e -> e instanceof DbbrainApiException api ? api.code() : "")
                .contains("AuthFailure.SignatureFailure", "AuthFailure.SecretIdNotFound", "AuthFailure.TokenFailure");
        assertThat(LOGGERS_SEEN).as("debug and trace lines were captured from Reactor Netty and Netty")
                .anyMatch(name -> name.startsWith("reactor.netty")).anyMatch(name -> name.startsWith("io.netty"));
        assertThat(LOG_LINES.size()).isGreaterThan(100);

        List<String> texts = new ArrayList<>(LOG_LINES);
        texts.addAll(VALUES);
        seen.forEach(object -> texts.add(String.valueOf(object)));
        Set<Throwable> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        errors.forEach(e -> describe(e, texts, visited));
        for (String secret : SECRETS) {
            assertThat(texts).as("texts containing %s", secret).noneMatch(text -> text.contains(secret));
        }
        System.out.printf("SecretsNeverLeakIT: %d log lines, %d errors (%d distinct), %d values and %d objects "
                + "searched%n", LOG_LINES.size(), ERRORS.size(), visited.size(), VALUES.size(), seen.size());
    }

    /** The message, {@code toString} and stack frames of an error, its causes and suppressed ones. */
    private static void describe(Throwable e, List<String> texts, Set<Throwable> visited) {
        if (e == null || !visited.add(e)) {
            return;
        }
        texts.add(e.toString());
        texts.add(String.valueOf(e.getMessage()));
        texts.add(String.valueOf(e.getLocalizedMessage()));
        for (StackTraceElement frame : e.getStackTrace()) {
            texts.add(frame.toString());
        }
        describe(e.getCause(), texts, visited);
        for (Throwable suppressed : e.getSuppressed()) {
            describe(suppressed, texts, visited);
        }
    }
}
