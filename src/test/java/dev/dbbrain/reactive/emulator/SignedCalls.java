package dev.dbbrain.reactive.emulator;

import dev.dbbrain.reactive.TaskInfo;
import dev.dbbrain.reactive.internal.Tc3Signer;
import dev.dbbrain.reactive.testing.MutableClock;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Sends requests to an emulator with a raw Reactor Netty client, signed with {@link Tc3Signer}'s helpers, with
 * every part of the request open to change so that tests can break exactly one thing.
 */
final class SignedCalls implements AutoCloseable {

    static final String SECRET_ID = "AKIDemulatorTest0001";
    static final String SECRET_KEY = "emulator-test-secret-key-0001";
    static final String INSTANCE = "crs-abcd1234";
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final DbbrainEmulator emulator;
    private final MutableClock clock;
    private final ConnectionProvider pool;
    private final HttpClient client;

    SignedCalls(DbbrainEmulator emulator, MutableClock clock) {
        this.emulator = emulator;
        this.clock = clock;
        this.pool = ConnectionProvider.builder("emulator-test").maxConnections(8).build();
        this.client = HttpClient.create(pool).disableRetry(true).responseTimeout(TIMEOUT);
    }

    Call create(String instanceId) {
        return call(Action.CREATE.apiName(), "{\"InstanceId\":\"" + instanceId + "\",\"Product\":\"redis\"}");
    }

    Call describe(String instanceId, long... ids) {
        String list = LongStream.of(ids).mapToObj(Long::toString).collect(Collectors.joining(","));
        return call(Action.DESCRIBE.apiName(),
                "{\"InstanceId\":\"" + instanceId + "\",\"Product\":\"redis\",\"AsyncRequestIds\":[" + list + "]}");
    }

    Call call(String action, String body) {
        return new Call(action, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Creates a task on {@link #INSTANCE} and returns its ID. */
    long createTask() {
        return create(INSTANCE).exchange().response().get("AsyncRequestId").longValue();
    }

    /** The one TaskInfo of a Describe of {@code id} on {@link #INSTANCE}. */
    tools.jackson.databind.JsonNode describeTask(long id) {
        Answer answer = describe(INSTANCE, id).exchange();
        return answer.response().get("Tasks").get(0);
    }

    /** A plain request without any API header, such as {@code GET /_emulator/stats}. */
    Answer plain(String method, String path) {
        return client.request(HttpMethod.valueOf(method))
                .uri(emulator.endpoint() + path)
                .responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> new Answer(response.status().code(),
                                new DefaultHttpHeaders().add(response.responseHeaders()), bytes)))
                .block(TIMEOUT);
    }

    @Override
    public void close() {
        pool.disposeLater().block(TIMEOUT);
    }

    /** One request being prepared; every setter changes one thing about it. */
    final class Call {
        private String method = "POST";
        private String path = "/";
        private String secretId = SECRET_ID;
        private String secretKey = SECRET_KEY;
        private String service = "dbbrain";
        private String scopeDate;
        private String host = "127.0.0.1:" + emulator.port();
        private String signedHost;
        private String contentType = "application/json";
        private long timestamp = clock.epochSecond();
        private List<String> signed = List.of("content-type", "host");
        private byte[] body;
        private byte[] sentBody;
        private boolean chunked;
        private String authorization;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final List<String> omitted = new ArrayList<>();

        private Call(String action, byte[] body) {
            this.body = body;
            headers.put("X-TC-Action", action);
            headers.put("X-TC-Version", "2021-05-27");
        }

        Call secret(String id, String key) {
            this.secretId = id;
            this.secretKey = key;
            return this;
        }

        Call service(String name) {
            this.service = name;
            return this;
        }

        /** Signs with this credential-scope date instead of the UTC date of the timestamp. */
        Call scopeDate(String date) {
            this.scopeDate = date;
            return this;
        }

        Call timestamp(long seconds) {
            this.timestamp = seconds;
            return this;
        }

        Call contentType(String value) {
            this.contentType = value;
            return this;
        }

        /** Signs these header names (lower case) instead of {@code content-type;host}. */
        Call signing(String... names) {
            this.signed = List.of(names);
            return this;
        }

        /** Signs a Host value other than the one sent. */
        Call signedHost(String value) {
            this.signedHost = value;
            return this;
        }

        /** Sends this header value, replacing the one the call would send. */
        Call header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** Leaves a header out (it is still signed if it is in the signed list and has a value). */
        Call without(String name) {
            omitted.add(name.toLowerCase(Locale.ROOT));
            return this;
        }

        Call authorization(String value) {
            this.authorization = value;
            return this;
        }

        Call method(String value) {
            this.method = value;
            return this;
        }

        Call path(String value) {
            this.path = value;
            return this;
        }

        Call body(byte[] value) {
            this.body = value;
            return this;
        }

        /** Sends these bytes although the signature covers the original body. */
        Call sendBody(byte[] value) {
            this.sentBody = value;
            return this;
        }

        /** Sends the body in chunks without Content-Length. */
        Call chunked() {
            this.chunked = true;
            return this;
        }

        Answer exchange() {
            return send().block(TIMEOUT);
        }

        Mono<Answer> send() {
            Map<String, String> all = new LinkedHashMap<>();
            all.put("Host", host);
            all.put("Content-Type", contentType);
            all.put("X-TC-Timestamp", Long.toString(timestamp));
            all.putAll(headers);
            all.put("Authorization", authorization != null ? authorization : sign(all));
            all.keySet().removeIf(name -> omitted.contains(name.toLowerCase(Locale.ROOT)));
            byte[] payload = sentBody != null ? sentBody : body;
            return client.headers(h -> all.forEach(h::set))
                    .request(HttpMethod.valueOf(method))
                    .uri(emulator.endpoint() + path)
                    .send((request, out) -> chunked
                            ? out.sendByteArray(Flux.fromIterable(chunks(payload)))
                            : out.sendByteArray(Mono.just(payload)))
                    .responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                            .map(bytes -> new Answer(response.status().code(),
                                    new DefaultHttpHeaders().add(response.responseHeaders()), bytes)));
        }

        private String sign(Map<String, String> all) {
            TreeMap<String, String> values = new TreeMap<>();
            Map<String, String> lower = new TreeMap<>();
            all.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
            if (signedHost != null) {
                lower.put("host", signedHost);
            }
            for (String name : signed) {
                values.put(name, lower.getOrDefault(name, ""));
            }
            String date = scopeDate != null ? scopeDate : Tc3Signer.utcDate(timestamp);
            String canonical = Tc3Signer.canonicalRequest(values, body);
            String signature = Tc3Signer.signature(secretKey, date, service,
                    Tc3Signer.stringToSign(timestamp, date, service, canonical));
            return Tc3Signer.authorizationHeader(secretId, date, service, String.join(";", values.keySet()),
                    signature);
        }

        private List<byte[]> chunks(byte[] payload) {
            List<byte[]> chunks = new ArrayList<>();
            for (int from = 0; from < payload.length; from += 64 * 1024) {
                chunks.add(Arrays.copyOfRange(payload, from, Math.min(payload.length, from + 64 * 1024)));
            }
            return chunks;
        }
    }
}
