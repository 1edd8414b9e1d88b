/**
 * A local emulator of the Tencent Cloud DBbrain endpoint for the two Redis proxy session-kill actions, so that
 * applications and tests can run against a real HTTP server without an account or network access.
 *
 * <p>Start one with {@link dev.dbbrain.reactive.emulator.DbbrainEmulator#builder()}; inspect what it saw with
 * {@link dev.dbbrain.reactive.emulator.DbbrainEmulator#stats()}.
 */
package dev.dbbrain.reactive.emulator;
