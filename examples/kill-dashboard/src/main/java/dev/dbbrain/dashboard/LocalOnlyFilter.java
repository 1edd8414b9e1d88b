package dev.dbbrain.dashboard;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Lets only this machine's browsers drive the dashboard, and names the backend on every answer.
 *
 * <ul>
 *   <li><b>Host</b>: a request whose {@code Host} is not one of {@code dashboard.allowed-hosts} (loopback names by
 *       default; any port) is refused with 403. That is the defence against DNS rebinding: a page on
 *       {@code attacker.example} that rebinds its name to 127.0.0.1 becomes same-origin with the dashboard in the
 *       browser's eyes, but its requests still say {@code Host: attacker.example}.</li>
 *   <li><b>Origin</b>: on the API, a request that carries an {@code Origin} other than its own
 *       ({@code scheme://Host}) is refused with 403, whatever its method or content type: no other site's page
 *       may start a task or open a stream here. Requests without {@code Origin} (curl, scripts on this machine)
 *       pass.</li>
 *   <li>Every answer carries {@value BackendGuard#HEADER}: {@code emulator} or {@code tencent-cloud}.</li>
 * </ul>
 *
 * <p>Why a filter rather than Spring Security with a per-launch token: a token embedded in the page does not stop
 * rebinding (the rebound page is same-origin, so it can read the token), while the Host check does, with no login
 * to manage. Authentication of real users is left to whatever fronts the dashboard (see the README).
 */
final class LocalOnlyFilter implements WebFilter, Ordered {

    private final List<String> allowedHosts;
    private final String backend;

    LocalOnlyFilter(List<String> allowedHosts, String backend) {
        this.allowedHosts = allowedHosts;
        this.backend = backend;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        ServerHttpResponse response = exchange.getResponse();
        response.getHeaders().set(BackendGuard.HEADER, backend);
        String host = request.getHeaders().getFirst(HttpHeaders.HOST);
        if (!allowedHost(host)) {
            return refuse(response, "Host '" + shorten(host) + "' is not this dashboard's: it answers only to "
                    + String.join(", ", allowedHosts) + " (dashboard.allowed-hosts)");
        }
        String origin = request.getHeaders().getOrigin();
        if (origin != null && request.getPath().value().startsWith("/api/")
                && !sameOrigin(origin, request.getURI().getScheme(), host)) {
            return refuse(response, "Origin '" + shorten(origin) + "' is not this dashboard's");
        }
        return chain.filter(exchange);
    }

    /** The host name of a {@code Host} value ({@code name}, {@code name:port}, {@code [v6]:port}) is allowed. */
    boolean allowedHost(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String name = host.trim().toLowerCase(Locale.ROOT);
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf(']')) {
            name = name.substring(0, colon);
        }
        return allowedHosts.contains(name);
    }

    static boolean sameOrigin(String origin, String scheme, String host) {
        try {
            URI uri = URI.create(origin);
            String authority = uri.getRawAuthority();
            return uri.getScheme() != null && uri.getScheme().equalsIgnoreCase(scheme) && authority != null
                    && authority.equalsIgnoreCase(host.trim()) && (uri.getRawPath() == null || uri.getRawPath()
                    .isEmpty());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Mono<Void> refuse(ServerHttpResponse response, String detail) {
        response.setStatusCode(HttpStatus.FORBIDDEN);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        String body = "{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,\"detail\":\""
                + json(detail) + "\",\"code\":\"NotThisDashboard\"}";
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory()
                .wrap(body.getBytes(StandardCharsets.UTF_8))));
    }

    private static String shorten(String value) {
        return value == null ? "" : value.length() <= 100 ? value : value.substring(0, 100) + "…";
    }

    /** Escapes a string for a JSON string literal: quotes, backslashes and control characters. */
    private static String json(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
