/**
 * The {@code dbbrain} command line ({@code java -jar target/dbbrain-cli.jar --help}). Not part of the library API.
 */
package dev.dbbrain.reactive.cli;
