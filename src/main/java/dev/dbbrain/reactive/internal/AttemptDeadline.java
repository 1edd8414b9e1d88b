package dev.dbbrain.reactive.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.netty.Connection;

/**
 * The total bound of one attempt: a connection handler that fails the exchange when its answer is not read in full
 * within the attempt timeout of the moment the request started to leave.
 *
 * <p>Why a handler: the response timeout ({@code ReadTimeoutHandler}) only bounds the silence between two reads,
 * so a server sending one byte a second keeps an exchange open for ever. Reactor Netty manages the response
 * timeout as a handler added for one exchange and removed when it ends; this bound lives the same way, so it costs
 * what the response timeout costs — one task in the connection's event-loop queue, cancelled when the exchange ends
 * ({@link #handlerRemoved}), no timer thread and no Reactor scheduler. Expiring, it does what the response timeout
 * does: fires an exception down the pipeline, which Reactor Netty hands to the exchange, and closes the connection,
 * which is in an unknown state mid-answer.
 *
 * <p>When the response timeout is about to fire anyway (nothing has been read for nearly that long), it is the one
 * to speak: a server that never answers, or stalls, is then told apart from one that answers too slowly. This bound
 * waits up to a second more for it, and fires itself if it has not.
 */
public final class AttemptDeadline extends ChannelInboundHandlerAdapter {

    /** The name of the handler in the pipeline. */
    public static final String NAME = "dbbrain.attemptDeadline";
    /** How long an expired bound leaves the response timeout to report a server that has not answered at all. */
    static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long deadline;
    private final long responseTimeoutNanos;
    private final Duration timeout;
    /** When the last message was read, or the bound started: the response timeout counts from there. */
    private long lastRead;
    private boolean graced;
    private Future<?> timer;

    private AttemptDeadline(Duration timeout, Duration responseTimeout) {
        this.timeout = timeout;
        this.lastRead = System.nanoTime();
        this.deadline = lastRead + timeout.toNanos();
        this.responseTimeoutNanos = responseTimeout.toNanos();
    }

    /**
     * Starts the bound of the exchange on {@code connection}, now: call it as the request starts to leave.
     *
     * @param connection the exchange's connection
     * @param timeout the attempt timeout
     * @param responseTimeout the exchange's response timeout
     */
    public static void start(Connection connection, Duration timeout, Duration responseTimeout) {
        // Placed after the HTTP codec, like the response timeout, and removed by Reactor Netty when the exchange
        // ends (and with the channel when it closes).
        connection.addHandlerFirst(NAME, new AttemptDeadline(timeout, responseTimeout));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        schedule(ctx, deadline - System.nanoTime());
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        Future<?> t = timer;
        if (t != null) {
            t.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // Placed where the response timeout is (after the codec), this sees the reads it sees.
        lastRead = System.nanoTime();
        ctx.fireChannelRead(msg);
    }

    private void schedule(ChannelHandlerContext ctx, long delayNanos) {
        timer = ctx.executor().schedule(() -> expire(ctx), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        if (ctx.isRemoved()) {
            return;
        }
        if (!graced && lastRead + responseTimeoutNanos - System.nanoTime() <= GRACE_NANOS) {
            // Silent for nearly the response timeout: that timeout fires within the grace, with its own message.
            graced = true;
            schedule(ctx, GRACE_NANOS);
            return;
        }
        ctx.fireExceptionCaught(new Expired(timeout));
        ctx.close();
    }

    /** What the exchange fails with when its bound expires; the transport maps it to its own exception. */
    public static final class Expired extends TimeoutException {
        private static final long serialVersionUID = 1L;
        private final transient Duration timeout;

        Expired(Duration timeout) {
            super("answer not complete within the attempt timeout of " + timeout);
            this.timeout = timeout;
        }

        /**
         * Returns the bound that expired.
         *
         * @return the attempt timeout
         */
        public Duration timeout() {
            return timeout;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
