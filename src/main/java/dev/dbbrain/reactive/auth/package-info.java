/**
 * Credentials: {@link dev.dbbrain.reactive.auth.Credentials} and where they come from,
 * {@link dev.dbbrain.reactive.auth.CredentialsProvider} with its factories (environment, profile file, the default
 * chain, the CVM instance role, STS AssumeRole, and any source that refreshes). The providers are package-private.
 *
 * <p>A provider is asked once per request, never blocks an event loop (the profile file is read on
 * {@code boundedElastic}), and never shows a SecretKey or token in {@code toString}, messages or logs. Providers of
 * temporary credentials cache them and refresh them ahead of expiry, one refresh at a time for every caller.
 */
package dev.dbbrain.reactive.auth;
