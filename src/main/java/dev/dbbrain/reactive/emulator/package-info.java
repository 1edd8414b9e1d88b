/**
 * A local emulator of the Tencent Cloud DBbrain endpoint for the two Redis proxy session-kill actions, so that
 * applications and tests can run against a real HTTP server without an account or network access.
 *
 * <p>Start one with {@link dev.dbbrain.reactive.emulator.DbbrainEmulator#builder()}; inspect what it saw with
 * {@link dev.dbbrain.reactive.emulator.DbbrainEmulator#stats()}. It speaks what every official Tencent Cloud client
 * speaks (TC3-HMAC-SHA256 with POST or GET, signature v1 with HmacSHA1 or HmacSHA256, plain HTTP or HTTPS with a
 * certificate made at start), so the official SDKs and {@code tccli} can use it too.
 */
package dev.dbbrain.reactive.emulator;
