package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.emulator.EmulatorAnswer;
import dev.dbbrain.reactive.internal.HandledConnectionErrors;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;

/**
 * Connection errors the client handles (a reset after the request was sent, a response timeout) end the call with a
 * {@link DbbrainTransportException} and leave one DEBUG line, not Reactor Netty's WARN with the exception; an error
 * the client does not handle is passed on to Reactor Netty and reaches the caller unchanged.
 */
class HandledConnectionErrorsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Credentials CREDS = Credentials.of("AKIDquietlogs", "quiet-logs-key");
    private static final Logger ROOT = Logger.getLogger("");
    private static final Logger DECISIONS = Logger.getLogger(HandledConnectionErrors.class.getName());

    private final Queue<LogRecord> records = new ConcurrentLinkedQueue<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level savedLevel;
    private DbbrainEmulator emulator;
    /** An emulator that answers every request with a scripted failure. */
    private DbbrainEmulator server;
    private DbbrainClient client;
    private int port;

    @BeforeEach
    void captureLogs() {
        capture.setLevel(Level.ALL);
        ROOT.addHandler(capture);
        savedLevel = DECISIONS.getLevel();
        DECISIONS.setLevel(Level.FINE);
    }

    @AfterEach
    void tearDown() {
        ROOT.removeHandler(capture);
        DECISIONS.setLevel(savedLevel);
        if (client != null) {
            client.close();
        }
        if (emulator != null) {
            emulator.stop();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aResetAfterTheRequestWasSentFailsTheCallWithoutAWarning() {
        emulator = DbbrainEmulator.builder().credentials(CREDS.secretId(), CREDS.secretKey()).faultReset(1.0)
                .start();
        client = client(emulator.endpoint(), null, Duration.ofSeconds(5));

        StepVerifier.create(client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(
                        "crs-quiet001", 1)))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(DbbrainTransportException.class);
                    assertThat(((DbbrainTransportException) e).requestSent()).isTrue();
                    assertThat(e.getCause()).isInstanceOf(IOException.class);
                })
                .verify(WAIT);
        assertThat(client.stats().requests()).isEqualTo(3);
        assertNoWarnings();
        assertThat(decisions()).hasSize(3).allSatisfy(line -> assertThat(line).contains("after the request was sent"));
    }

    @Test
    void aResponseTimeoutFailsTheCallWithoutAWarning() {
        server = answering(EmulatorAnswer.noAnswer());

        assertEndsAsAQuietTimeout("crs-quiet002");
    }

    @Test
    void aBodyThatStallsMidWayFailsTheCallAsATimeoutNotAsATruncatedBody() {
        // A thousand bytes declared, 23 sent: the body stalls.
        server = answering(EmulatorAnswer.raw(200, Map.of("Content-Type", "application/json", "Content-Length", "1000"),
                "{\"Response\":{\"Tasks\":[".getBytes(StandardCharsets.UTF_8)));

        assertEndsAsAQuietTimeout("crs-quiet004");
    }

    private static DbbrainEmulator answering(EmulatorAnswer answer) {
        DbbrainEmulator emulator = DbbrainEmulator.builder().credentials(CREDS.secretId(), CREDS.secretKey()).start();
        emulator.dispatcher(request -> answer);
        return emulator;
    }

    /** A Describe to {@link #server} with a 200 ms response timeout: three timed-out attempts, no warning. */
    private void assertEndsAsAQuietTimeout(String instanceId) {
        client = client(server.endpoint(), null, Duration.ofMillis(200));

        StepVerifier.create(client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(
                        instanceId, 1)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainTransportException.class)
                        .hasCauseInstanceOf(ReadTimeoutException.class))
                .verify(WAIT);
        assertNoWarnings();
        assertThat(decisions()).hasSize(3);
    }

    @Test
    void anErrorTheClientDoesNotHandleReachesTheCallerUnchangedAndIsNotTakenAsHandled() {
        emulator = DbbrainEmulator.builder().credentials(CREDS.secretId(), CREDS.secretKey()).start();
        // Connections of its own: doOnConnected must see every connection, never one from Reactor Netty's global pool.
        HttpClient failing = HttpClient.create(ConnectionProvider.newConnection()).doOnConnected(connection -> connection.addHandlerFirst(
                "failing-decoder", new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                        throw new IllegalStateException("a decoder bug, not a network failure");
                    }
                }));
        client = client(emulator.endpoint(), failing, Duration.ofSeconds(5));

        StepVerifier.create(client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(
                        "crs-quiet003", 1)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("decoder bug"))
                .verify(WAIT);
        // The handler passed it on to Reactor Netty (which logs it as it does any connection error; when, and at what
        // level, is Reactor Netty's to decide) instead of ending the attempt with it as a handled error.
        assertThat(decisions()).as("decisions of the handler").noneMatch(line -> line.contains("IllegalStateException"));
        assertThat(client.stats().requests()).as("attempts: an unhandled error is not retried").isEqualTo(1);
    }

    /**
     * The records about this test's server: Reactor Netty and the client name connections by their addresses, and a
     * record of an earlier test's connection may still arrive (logged as its connection closes) while this one runs.
     */
    private List<LogRecord> ours() {
        String remote = "127.0.0.1:" + port + "]";
        return records.stream().filter(r -> r.getMessage() != null && r.getMessage().contains(remote)).toList();
    }

    private DbbrainClient client(String endpoint, HttpClient http, Duration responseTimeout) {
        port = java.net.URI.create(endpoint).getPort();
        DbbrainClient.Builder builder = DbbrainClient.builder().endpoint(endpoint).credentials(CREDS)
                .rateLimiter(RateLimiter.unlimited()).maxRetries(2)
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(20)).responseTimeout(responseTimeout);
        if (http != null) {
            builder.httpClient(http.responseTimeout(responseTimeout));
        }
        return builder.build();
    }

    private void assertNoWarnings() {
        assertThat(ours()).as("log records at WARNING or above")
                .noneSatisfy(r -> assertThat(r.getLevel().intValue()).isGreaterThanOrEqualTo(Level.WARNING.intValue()));
    }

    private List<String> decisions() {
        return ours().stream().filter(r -> r.getLoggerName().equals(DECISIONS.getName()))
                .peek(r -> assertThat(r.getLevel()).isEqualTo(Level.FINE))
                .map(LogRecord::getMessage).toList();
    }
}
