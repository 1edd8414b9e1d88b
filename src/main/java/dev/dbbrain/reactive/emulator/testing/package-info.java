/**
 * Test support for the emulator: {@link dev.dbbrain.reactive.emulator.testing.DbbrainEmulatorExtension} for JUnit 5
 * and {@link dev.dbbrain.reactive.emulator.testing.AutoConfigureDbbrainEmulator} for Spring Boot tests. In the
 * emulator jar ({@code dev.dbbrain:dbbrain-reactive:<version>:jar:emulator}, for tests), never in the library's jar;
 * JUnit and spring-test are optional dependencies there, present in any test project that uses them.
 */
package dev.dbbrain.reactive.emulator.testing;
