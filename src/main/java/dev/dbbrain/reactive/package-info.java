/**
 * Reactive client for Tencent Cloud DBbrain's Redis proxy session-kill tasks.
 *
 * <p>Start at {@link dev.dbbrain.reactive.DbbrainClient#builder()}. The public surface is the client and its
 * builder, {@link dev.dbbrain.reactive.Credentials} and {@link dev.dbbrain.reactive.CredentialsProvider}, the
 * request/response records with {@link dev.dbbrain.reactive.TaskInfo} and {@link dev.dbbrain.reactive.TaskStatus},
 * and the {@link dev.dbbrain.reactive.DbbrainException} family with its {@link dev.dbbrain.reactive.ErrorCategory}.
 * Everything else in this package is package-private.
 *
 * <p>Design notes:
 * <ul>
 *   <li>Signing is a pure function ({@code internal.Tc3Signer}): the client reads the clock once per request and
 *       passes the timestamp in, so signatures are reproducible in tests. The Content-Type and Host that are signed
 *       are single values used for both signing and sending: any difference is a signature failure at the service.
 *   <li>Decoding reads a bounded byte array into a Jackson tree under stream read constraints (nesting depth,
 *       number length, document size) and maps it by hand. Hand mapping rather than data binding keeps the public
 *       records free of Jackson annotations and lets each field be lenient or strict on purpose: lenient where the
 *       API's documentation is loose (times, absent lists), strict where a wrong type means a broken answer.
 *   <li>Timeouts come from Reactor Netty (connect timeout on the owned pool, per-request response timeout that also
 *       covers stalls mid-body), so no timer of ours runs per request.
 *   <li>Reactor Netty's own retry stays on: it resends a request only when a pooled connection failed before the
 *       request headers were written (it checks {@code hasSentHeaders()}), so the service cannot have seen it, and a
 *       Create is never duplicated by it.
 *   <li>The client never retries: Create is not idempotent, and retry policy for Describe belongs to the caller (or
 *       the watch engine), which knows its rate budget. {@link dev.dbbrain.reactive.DbbrainException#isRetryable()}
 *       gives the classification.
 * </ul>
 */
package dev.dbbrain.reactive;
