/**
 * Micrometer meters and observations of a {@link dev.dbbrain.reactive.DbbrainClient}, optional: the core runs
 * without Micrometer on the classpath. Start at {@link dev.dbbrain.reactive.micrometer.DbbrainMicrometer}.
 */
package dev.dbbrain.reactive.micrometer;
