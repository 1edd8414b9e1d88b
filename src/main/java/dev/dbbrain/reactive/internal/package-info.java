/**
 * Implementation shared by the packages of this library and its emulator: the TC3 signer, the bounded body reader,
 * the hardened reader of API answers ({@code EnvelopeReader} on {@code BoundedJson}, jackson-core streaming, never a
 * tree), the JSON writer, the parser of the service's times, the endpoint parser, argument checks, the limiter's
 * time source and the bounded close of Lettuce's connections ({@code LettuceClose}: no Lettuce type in it, so
 * the Spring integration can use it too). Not part of the API: it may change in any
 * release, the Javadoc leaves it out, and no public signature outside this package names a type from it.
 */
package dev.dbbrain.reactive.internal;
