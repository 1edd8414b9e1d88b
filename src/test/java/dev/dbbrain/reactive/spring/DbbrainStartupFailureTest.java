package dev.dbbrain.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Configuration;

/**
 * A real application that fails to start on a bad value holding a password names the property, and prints the
 * password nowhere: not in any exception of the failure's chain (messages, suppressed exceptions, stack trace) and
 * not in what the application logs, with debug logging on.
 */
class DbbrainStartupFailureTest {

    private static final String PASSWORD = "hunter2-password";

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        // Lettuce refuses the scheme, the host, the database.
        "dbbrain.rate-limit.redis.uri=notredis://:hunter2-password@127.0.0.1:1 | | dbbrain.rate-limit.redis.uri",
        "dbbrain.rate-limit.redis.uri=redis://fleet:hunter2-password@[::1 |  | dbbrain.rate-limit.redis.uri",
        "dbbrain.rate-limit.redis.uri=redis://fleet:hunter2-password@127.0.0.1:1/x | | dbbrain.rate-limit.redis.uri",
        // A valid URI with a bad setting beside it.
        "dbbrain.rate-limit.redis.uri=redis://:hunter2-password@127.0.0.1:1 "
                + "| dbbrain.rate-limit.redis.command-timeout=-1s | dbbrain.rate-limit.redis.command-timeout",
        // The endpoint's builder message repeats the value; user info is refused there.
        "dbbrain.endpoint=https://ops:hunter2-password@dbbrain.example.com | | dbbrain.endpoint",
        "dbbrain.endpoint=https://ops:hunter2-password@dbbrain example.com | | dbbrain.endpoint",
        // A secret key the builder refuses.
        "dbbrain.credentials.secret-id=AKIDfail | dbbrain.credentials.secret-key=hunter2-password and more "
                + "| dbbrain.credentials.secret-key",
    })
    void aBadValueHoldingAPasswordStopsStartupWithoutPrintingIt(String property, String other, String named) {
        List<String> args = new ArrayList<>(List.of("--" + property, "--debug", "--spring.main.banner-mode=off",
                "--logging.level.dev.dbbrain=TRACE", "--logging.level.io.lettuce=DEBUG"));
        if (other != null) {
            args.add("--" + other);
        }
        StringBuilder output = new StringBuilder();
        Throwable failure = capturingOutput(output, () -> catchThrowable(() -> new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE).listeners(new CaptureLogs()).run(args.toArray(String[]::new)).close()));

        assertThat(failure).as("startup failure").isNotNull();
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(t.toString());
        }
        assertThat(messages).anySatisfy(m -> assertThat(m).contains(named));
        assertThat(messages).allSatisfy(m -> assertThat(m).doesNotContain(PASSWORD));
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(PASSWORD);

        // What the application logged, debug included: Spring Boot's report of the failure with the property's name,
        // and no password.
        assertThat(output.toString()).contains("Application run failed").contains(named).doesNotContain(PASSWORD);
    }

    /**
     * Runs {@code action}, copying into {@code output} every record logged through java.util.logging (Spring Boot's
     * logging system here, which Spring, Spring Boot and Lettuce log to) from the moment Spring Boot has set it up.
     * (Spring Boot's OutputCaptureExtension needs JUnit 6.)
     */
    private static <T> T capturingOutput(StringBuilder output, Supplier<T> action) {
        Handler logged = new Handler() {
            private final Formatter format = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                synchronized (output) {
                    output.append(format.format(record));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logged.setLevel(Level.ALL);
        CAPTURE.set(logged);
        try {
            return action.get();
        } finally {
            CAPTURE.remove();
            Logger.getLogger("").removeHandler(logged);
        }
    }

    private static final ThreadLocal<Handler> CAPTURE = new ThreadLocal<>();

    /** Adds the capturing handler once Spring Boot has (re)configured java.util.logging. */
    private static final class CaptureLogs implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {
        @Override
        public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
            Handler handler = CAPTURE.get();
            if (handler != null) {
                Logger.getLogger("").addHandler(handler);
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(DbbrainAutoConfiguration.class)
    static class App {
    }
}
