/**
 * Reactive client for Tencent Cloud DBbrain's Redis proxy session-kill tasks: the API.
 *
 * <p>Start at {@link dev.dbbrain.reactive.DbbrainClient#builder()}. This package holds the client and its builder,
 * the request/response records with {@link dev.dbbrain.reactive.TaskInfo} and
 * {@link dev.dbbrain.reactive.TaskStatus}, {@link dev.dbbrain.reactive.WatchOptions},
 * {@link dev.dbbrain.reactive.ClientStats}, the {@link dev.dbbrain.reactive.DbbrainException} family with its
 * {@link dev.dbbrain.reactive.ErrorCategory}, and {@link dev.dbbrain.reactive.DbbrainEventListener}, the hook for
 * metrics and tracing. Credentials are in {@code dev.dbbrain.reactive.auth}, rate limiting in
 * {@code dev.dbbrain.reactive.ratelimit} (and {@code .redis} for a fleet). The transport and the watch engine live
 * here too, package-private, as reactor-netty keeps {@code HttpClientConnect} beside {@code HttpClient}.
 *
 * <p>Design notes:
 * <ul>
 *   <li>Signing is a pure function ({@code internal.Tc3Signer}): the client reads the clock once per request and
 *       passes the timestamp in, so signatures are reproducible in tests. The Content-Type and Host that are signed
 *       are single values used for both signing and sending: any difference is a signature failure at the service.
 *   <li>Decoding reads a bounded byte array as a stream of jackson-core tokens under stream read constraints
 *       (nesting depth, number length, document size, token count) and builds each record straight from the tokens
 *       ({@code JsonCodec} on the shared {@code internal.EnvelopeReader}): no tree is ever built, a field this client
 *       does not use is skipped unread, and what the records hold is counted against a memory budget of three times
 *       the size cap. Hand mapping rather than data binding keeps the public records free of Jackson annotations,
 *       the library free of jackson-databind (so it runs on whatever Jackson 3 an application's framework manages,
 *       3.0 onwards), and lets each field be lenient or strict on purpose: lenient where the API's documentation is
 *       loose (times, absent lists), strict where a wrong type means a broken answer.
 *   <li>Timeouts come from Reactor Netty (connect timeout on the owned pool, per-request response timeout that also
 *       covers stalls mid-body), so no timer of ours runs per request.
 *   <li>Reactor Netty's own retry stays on: it resends a request only when a pooled connection failed before the
 *       request headers were written (it checks {@code hasSentHeaders()}), so the service cannot have seen it, and a
 *       Create is never duplicated by it.
 *   <li>Retries ({@code RetrySettings}) wrap the whole attempt, permit included, with Reactor's
 *       {@code Retry.backoff}: every resend waits for the limiter like a first send. Create is resent only when the
 *       service certainly did not act on it; {@code DbbrainTransportException.requestSent()} carries that fact from
 *       the exception type (refused, connect timeout, TLS handshake, pool acquire), not from guesses about timing.
 *   <li>Every request is driven through its limiter's own contract,
 *       {@link dev.dbbrain.reactive.ratelimit.RateLimiter#acquirePermit}: the permit it grants writes the request
 *       (inside Reactor Netty's send callback, with the connection ready, so pacing applies to the moment of
 *       writing) and hears about throttling answers. The transport knows no limiter type: the built-in bucket, the
 *       Redis bucket and a user's own limiter are driven the same way.
 *   <li>The watch engine ({@code WatchEngine}, {@code InstancePoller}, {@code TaskLoop}, {@code WatchSubscription})
 *       is a custom {@code Publisher}, the last resort the Reactor guide allows, because no composition of
 *       operators gives one loop shared by subscribers, polling driven by their demand, and batching across
 *       tasks. Bookkeeping happens under the instance poller's monitor; subscribers are signalled and requests
 *       subscribed only after it is released. A shared loop cannot carry one subscriber's Reactor {@code Context}
 *       to its requests. Its rules (change and regression, not-found grace, skipped rounds, failed polls,
 *       {@code failedAsError}, the deadline, latest-state delivery) are pure functions in {@code WatchPolicy}, and
 *       the states come from a {@code TaskStateSource}: a batched Describe ({@code DescribeSource}), or with
 *       {@link dev.dbbrain.reactive.WatchSharing} the fleet's ({@code FleetSource}: states other replicas published
 *       in Redis, a poll slot per task, its own Describe as the fallback), whose Redis side is the internal
 *       {@code SharedWatchStore}, implemented with Lettuce in {@code ratelimit.redis}.
 *   <li>The transport ({@code ApiTransport}) is configured by one immutable {@code TransportSettings}, set by name
 *       when the client is built.
 *   <li>Observability goes through one public hook, {@link dev.dbbrain.reactive.DbbrainEventListener}, called by
 *       the transport (each call, each attempt of it and its limiter wait) and the watch engine (subscribers, state
 *       changes); the Micrometer code lives in its own package, so the core loads and runs without Micrometer or
 *       Spring. Limiter waits are measured around {@code acquirePermit}, not inside the bucket: per client, and for
 *       any limiter. Events carry identity, as OkHttp's carry the {@code Call}: a call's ID is a random prefix drawn
 *       once per client and the client's count of calls (no random number or UUID per call), shared by its
 *       attempts, which are numbered from 0 as OpenTelemetry's {@code http.request.resend_count}; a watch poll round
 *       is a Describe call like any other, so the engine needs no identity of its own for it.
 * </ul>
 */
package dev.dbbrain.reactive;

