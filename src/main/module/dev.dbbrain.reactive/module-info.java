/**
 * Reactive client for Tencent Cloud DBbrain's Redis proxy session-kill tasks.
 *
 * <p>On the module path an application needs only {@code requires dev.dbbrain.reactive;}: Reactor comes with it
 * (it is in the API), and so does every Netty module the client runs on. The optional integrations (Spring Boot,
 * Micrometer, Lettuce for the fleet-wide limiter) are read when the application has them and never pulled in.
 *
 * <p>Why Netty's modules are required by name: Reactor Netty is an automatic module, which reads every module in
 * the graph but makes none of them resolve; without these {@code requires} a module-path application starts with
 * no Netty at all and fails at its first client ({@code NoClassDefFoundError: io/netty/...}).
 */
module dev.dbbrain.reactive {
    // In the public API: Mono, Flux (Publishers), Scheduler and Retry; HttpClient (DbbrainClient.Builder#httpClient).
    requires transitive org.reactivestreams;
    requires transitive reactor.core;
    requires transitive reactor.netty.http;
    requires reactor.netty.core;
    requires tools.jackson.core;

    // Netty as the client uses it, and as Reactor Netty needs it at run time, used or not: its HTTP classes refer to
    // HTTP/2 and compression, its TLS setup asks whether HTTP/3 (QUIC) is available, its resolver refers to DNS and
    // its proxy support to the proxy handlers. (Netty's native transports are left to the application: on the
    // module path the client runs on Java NIO unless the application resolves one.)
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.compression;
    requires io.netty.codec.http;
    requires io.netty.codec.http2;
    requires io.netty.codec.http3;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.handler.proxy;
    requires io.netty.resolver;
    requires io.netty.resolver.dns;
    requires io.netty.transport;

    // Optional integrations: read when present, never required. Their types appear only in the API of the
    // packages that integrate them (ratelimit.redis, micrometer, spring), which an application uses with the
    // library at hand.
    requires static lettuce.core;
    requires static micrometer.core;
    requires static micrometer.observation;
    requires static spring.beans;
    requires static spring.boot;
    requires static spring.boot.actuator;
    requires static spring.boot.autoconfigure;
    requires static spring.context;
    requires static spring.core;

    exports dev.dbbrain.reactive;
    exports dev.dbbrain.reactive.auth;
    exports dev.dbbrain.reactive.micrometer;
    exports dev.dbbrain.reactive.ratelimit;
    exports dev.dbbrain.reactive.ratelimit.redis;
    exports dev.dbbrain.reactive.spring;

    // Shared with the emulator jar (the signer, the JSON writer); not part of the API. The CLI needs no export: it
    // is one shaded jar holding these classes itself.
    exports dev.dbbrain.reactive.internal to dev.dbbrain.reactive.emulator;

    // Spring creates the auto-configuration's package-private configurations and calls their bean methods
    // reflectively.
    opens dev.dbbrain.reactive.spring;
}
