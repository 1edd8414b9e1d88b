package dev.dbbrain.reactive.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A keep-alive connection stays served whatever the emulator answered on it. Reactor Netty 1.3.7's server stops
 * reading a connection when a request that queued behind another (sent before the previous answer was complete, as
 * a pipelining client or a prompt keep-alive client does) is answered before its own end was read (reactor-netty
 * issue 4361): the next request on the connection then gets neither an answer nor a close. The emulator's API path
 * reads the body first; its statistics and its refusals answered at once, and so could leave a connection hanging.
 * And a queued request whose body is larger than what Reactor Netty queues (32 messages) was never read to its end.
 * Driven by hand on a socket, which no pooled client does on purpose: two requests in one write, the first answered
 * late (the emulator's latency), the second at once.
 */
class EmulatorKeepAliveIT extends EmulatorTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String API_CALL = "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: 2\r\n\r\n{}";

    @ParameterizedTest
    @ValueSource(strings = {"GET /_emulator/stats", "DELETE /", "OPTIONS /"})
    void theRequestAfterAQueuedRequestAnsweredAtOnceIsAnsweredNeverLeftHanging(String queued) throws IOException {
        start(b -> b.latency(Duration.ofMillis(100)));
        try (Connection connection = new Connection(emulator.port())) {
            connection.send(API_CALL + queued + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(connection.next()).as("the API call (an error envelope: it is not signed)").isEqualTo("200");
            assertThat(connection.next()).as("the queued request, answered at once").isIn("200", "405");

            connection.send("GET /_emulator/stats HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(connection.next()).as("the next request on the connection: answered, not silence")
                    .isEqualTo("200");
        }
    }

    @Test
    void aQueuedRequestWithABodyThatIsRefusedLeavesTheConnectionServed() throws IOException {
        start(b -> b.latency(Duration.ofMillis(100)));
        try (Connection connection = new Connection(emulator.port())) {
            connection.send(API_CALL + "PUT / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello");
            assertThat(connection.next()).isEqualTo("200");
            assertThat(connection.next()).as("the queued PUT").isEqualTo("405");

            connection.send(API_CALL);
            assertThat(connection.next()).as("the next request on the connection: answered, not silence")
                    .isEqualTo("200");
        }
    }

    @Test
    void aQueuedBodyOverTheLimitIsReadToItsEndAndTheConnectionStaysServed() throws IOException {
        start(b -> b.latency(Duration.ofMillis(100)));
        int size = ApiProcessor.MAX_BODY_BYTES + 1;
        try (Connection connection = new Connection(emulator.port())) {
            connection.send(API_CALL + "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + size + "\r\n\r\n" + " ".repeat(size));
            assertThat(connection.next()).isEqualTo("200");
            assertThat(connection.next()).as("the oversize call (RequestSizeLimitExceeded)").isEqualTo("200");

            connection.send(API_CALL);
            assertThat(connection.next()).as("the next request on the connection: answered, not silence")
                    .isEqualTo("200");
        }
    }

    @Test
    void aBodyDeclaredLargerThanTheEmulatorDrainsIsAnsweredUnreadAndTheConnectionClosed() throws IOException {
        start();
        try (Connection connection = new Connection(emulator.port())) {
            connection.send("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (BodyReader.DRAIN_LIMIT + 1) + "\r\n\r\n");
            assertThat(connection.next()).as("answered without waiting for the body").isEqualTo("200");
            assertThat(connection.next()).as("then the connection, which cannot carry another request")
                    .isEqualTo("closed");
        }
    }

    /**
     * Reactor Netty stops reading a connection once 32 messages (a queued request and its body's pieces) wait
     * behind an answer in progress; a queued body larger than that must still be read to its end.
     */
    @Test
    void aQueuedBodyLargerThanReactorNettysPipelineQueueIsReadToItsEndAndAnswered() throws IOException {
        start(b -> b.latency(Duration.ofMillis(100)));
        int size = 600_000;
        try (Connection connection = new Connection(emulator.port())) {
            connection.send(API_CALL + "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + size + "\r\n\r\n" + " ".repeat(size));
            assertThat(connection.next()).isEqualTo("200");
            assertThat(connection.next()).as("the queued call with a large body").isEqualTo("200");

            connection.send(API_CALL);
            assertThat(connection.next()).as("the next request on the connection: answered, not silence")
                    .isEqualTo("200");
        }
    }

    /** One HTTP/1.1 connection driven by hand: blocking I/O on the test's thread, with a timeout on every read. */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout((int) WAIT.toMillis());
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        void send(String requests) throws IOException {
            out.write(requests.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** The status of the next response, {@code "closed"}, or {@code "silence"} when nothing came in time. */
        String next() throws IOException {
            try {
                String status = line();
                if (status == null) {
                    return "closed";
                }
                long length = 0;
                for (String header = line(); header != null && !header.isEmpty(); header = line()) {
                    if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Long.parseLong(header.substring("content-length:".length()).trim());
                    }
                }
                for (long left = length; left > 0; left--) {
                    if (in.read() < 0) {
                        return "closed";
                    }
                }
                return status.split(" ", 3)[1];
            } catch (SocketTimeoutException e) {
                return "silence";
            }
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
