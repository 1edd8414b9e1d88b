/**
 * Implementation shared by the client and the emulator (the TC3 signer). Not part of the API: it may change in any
 * release, and the Javadoc leaves it out.
 */
package dev.dbbrain.reactive.internal;
