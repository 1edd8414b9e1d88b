package dev.dbbrain.reactive.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.util.context.Context;

/**
 * Takes the connection errors this client handles away from Reactor Netty, which would log each at WARN with the
 * exception ("The connection observed an error, the request cannot be retried as the headers/body were sent") before
 * the client even sees it: a reset by the peer or a response timeout after a request was sent is an expected
 * outcome here, turned into a {@code DbbrainTransportException} and retried when that is safe, so the decision is
 * logged once at DEBUG instead ({@code dev.dbbrain.reactive.internal.HandledConnectionErrors}).
 *
 * <p>How: after each request is sent, a handler just before Reactor Netty's bridge catches an {@link IOException},
 * a {@link ReadTimeoutException} or an expired {@link AttemptDeadline}, fails the attempt with that same exception through a sink in the attempt's
 * {@code Context}, and disposes the connection (Reactor Netty then ends the exchange quietly, as a cancelled one).
 * Anything else, and any error of a request the client did not send, goes on to Reactor Netty as before. A reset
 * before the request was written is left alone too: Reactor Netty retries that one on a fresh connection itself.
 */
public final class HandledConnectionErrors {

    private static final System.Logger LOG = System.getLogger(HandledConnectionErrors.class.getName());
    private static final String HANDLER = "dbbrain.handledConnectionErrors";
    private static final Object ATTEMPT = new Object();

    private HandledConnectionErrors() {
    }

    /** The client with the handler installed after every request of an attempt run through {@link #guard}. */
    public static HttpClient install(HttpClient http) {
        return http.doAfterRequest((request, connection) -> {
            Sinks.One<Throwable> failure = request.currentContextView().getOrDefault(ATTEMPT, null);
            if (failure != null) {
                if (connection.channel().pipeline().get(HANDLER) != null) {
                    connection.removeHandler(HANDLER);
                }
                connection.addHandlerLast(HANDLER, new Handler(failure, connection));
            }
        });
    }

    /** One exchange, ended by a handled connection error when the installed handler catches one. */
    public static <T> Mono<T> guard(Mono<T> exchange) {
        return Mono.defer(() -> {
            Sinks.One<Throwable> failure = Sinks.one();
            return Mono.firstWithSignal(exchange, failure.asMono().flatMap(Mono::<T>error))
                    .contextWrite(Context.of(ATTEMPT, failure));
        });
    }

    private static final class Handler extends ChannelInboundHandlerAdapter {

        private final Sinks.One<Throwable> failure;
        private final Connection connection;

        Handler(Sinks.One<Throwable> failure, Connection connection) {
            this.failure = failure;
            this.connection = connection;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof IOException || cause instanceof ReadTimeoutException
                    || cause instanceof AttemptDeadline.Expired)) {
                ctx.fireExceptionCaught(cause);
                return;
            }
            LOG.log(Level.DEBUG, () -> ctx.channel() + " " + cause + " after the request was sent: closing the"
                    + " connection; the call fails with a DbbrainTransportException (retried when that is safe)");
            // The attempt fails first (which cancels the exchange), so that a body cut off mid-way is never read as
            // complete; then the connection is disposed before the channel closes, so that Reactor Netty sees a
            // cancelled exchange rather than an error to report.
            failure.tryEmitValue(cause);
            connection.dispose();
        }
    }
}
