package dev.dbbrain.dashboard;

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

/**
 * One HTTP/1.1 connection driven by hand, for what no pooled client does on purpose: several requests in one write
 * (pipelining), and telling "no answer" apart from "closed". Blocking I/O, on the test's own thread.
 */
final class RawHttpConnection implements AutoCloseable {

    /** What came back for one request. */
    sealed interface Outcome permits Answer, Closed, Silence {
    }

    /** A complete response. */
    record Answer(int status, String connectionHeader) implements Outcome {
    }

    /** The server closed (or reset) the connection instead of answering. */
    record Closed(String how) implements Outcome {
    }

    /** Neither an answer nor a close within the wait. */
    record Silence(Duration waited) implements Outcome {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Duration wait;

    RawHttpConnection(int port, Duration wait) throws IOException {
        this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
        this.socket.setSoTimeout((int) wait.toMillis());
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.wait = wait;
    }

    /** Writes the requests in one go; a write refused because the server closed the connection is not an error. */
    void send(String... requests) {
        try {
            out.write(String.join("", requests).getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            // the read that follows reports the close
        }
    }

    /** The next response on the connection, or how the wait for it ended. */
    Outcome next() {
        try {
            String statusLine = line();
            if (statusLine == null) {
                return new Closed("end of stream");
            }
            String[] parts = statusLine.split(" ", 3);
            int status = Integer.parseInt(parts[1]);
            long length = -1;
            boolean chunked = false;
            String connection = null;
            for (String header = line(); header != null && !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                    case "connection" -> connection = value;
                    default -> { }
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                        size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    skip(size);
                    line();
                }
                line();
            } else if (length > 0) {
                skip(length);
            }
            return new Answer(status, connection);
        } catch (SocketTimeoutException e) {
            return new Silence(wait);
        } catch (IOException e) {
            return new Closed(e.toString());
        }
    }

    /** A bodyless request. */
    static String request(String method, String target, int port, String... headers) {
        StringBuilder b = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: localhost:").append(port).append("\r\n");
        for (String header : headers) {
            b.append(header).append("\r\n");
        }
        if (method.equals("POST")) {
            b.append("Content-Length: 0\r\n");
        }
        return b.append("\r\n").toString();
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

    private void skip(long bytes) throws IOException {
        for (long left = bytes; left > 0; left--) {
            if (in.read() < 0) {
                throw new IOException("end of stream inside a body");
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
