package dev.dbbrain.reactive.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.DbbrainCredentialsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class CredentialsProviderTest {

    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        Path f = dir.resolve("credentials");
        Files.writeString(f, content);
        return f;
    }

    @Test
    void environmentGivesIdKeyAndOptionalSessionToken() {
        StepVerifier.create(new EnvironmentCredentialsProvider(Map.of(
                        "TENCENTCLOUD_SECRET_ID", "AKIDenv", "TENCENTCLOUD_SECRET_KEY", "envkey")).resolveCredentials())
                .expectNext(Credentials.of("AKIDenv", "envkey")).verifyComplete();
        StepVerifier.create(new EnvironmentCredentialsProvider(Map.of("TENCENTCLOUD_SECRET_ID", "AKIDenv",
                        "TENCENTCLOUD_SECRET_KEY", "envkey", "TENCENTCLOUD_SESSION_TOKEN", "tok")).resolveCredentials())
                .expectNext(Credentials.of("AKIDenv", "envkey", "tok")).verifyComplete();
    }

    @Test
    void environmentWithOnlyTheIdIsMalformedAndSaysWhichIsMissing() {
        StepVerifier.create(new EnvironmentCredentialsProvider(Map.of("TENCENTCLOUD_SECRET_ID", "AKIDenv"))
                        .resolveCredentials())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainCredentialsException.class)
                        .hasMessageContaining("TENCENTCLOUD_SECRET_KEY is not"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void profileFileDefaultSectionIsReadOffTheCallersThread() throws IOException {
        Path f = file("# comment\n[other]\nsecret_id = wrong\n\n[default]\nsecret_id = AKIDfile\nsecret_key = filekey\n"
                + "token = filetoken\n");
        StepVerifier.create(ProfileCredentialsProvider.ofFile(f, Schedulers.boundedElastic()).resolveCredentials()
                        .map(c -> Thread.currentThread().getName() + "|" + c.secretId() + "|" + c.token().orElse("")))
                .assertNext(s -> assertThat(s).startsWith("boundedElastic").endsWith("|AKIDfile|filetoken"))
                .verifyComplete();
    }

    @Test
    void profileWithoutDefaultSectionOrKeyIsAClearError() throws IOException {
        Path noSection = file("[prod]\nsecret_id=a\nsecret_key=b\n");
        StepVerifier.create(ProfileCredentialsProvider.ofFile(noSection, Schedulers.immediate()).resolveCredentials())
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining(noSection.toString())
                        .hasMessageContaining("no [default] section"))
                .verify(Duration.ofSeconds(5));
        Path noKey = file("[default]\nsecret_id=a\n");
        StepVerifier.create(ProfileCredentialsProvider.ofFile(noKey, Schedulers.immediate()).resolveCredentials())
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("lacks secret_key"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void credentialsFileVariableWinsAndAMissingNamedFileIsReported() throws IOException {
        Path f = file("[default]\nsecret_id=AKIDnamed\nsecret_key=k\n");
        StepVerifier.create(ProfileCredentialsProvider.standard(Map.of("TENCENTCLOUD_CREDENTIALS_FILE", f.toString()),
                        Schedulers.immediate()).resolveCredentials().map(Credentials::secretId))
                .expectNext("AKIDnamed").verifyComplete();
        Path missing = dir.resolve("absent");
        StepVerifier.create(ProfileCredentialsProvider.standard(Map.of("TENCENTCLOUD_CREDENTIALS_FILE",
                        missing.toString()), Schedulers.immediate()).resolveCredentials())
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("TENCENTCLOUD_CREDENTIALS_FILE=" + missing)
                        .hasMessageContaining("does not exist"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void chainUsesTheFirstProviderThatFindsCredentials() throws IOException {
        Path f = file("[default]\nsecret_id=AKIDfile\nsecret_key=k\n");
        CredentialsChain chain = new CredentialsChain(new EnvironmentCredentialsProvider(Map.of()),
                ProfileCredentialsProvider.ofFile(f, Schedulers.immediate()));
        StepVerifier.create(chain.resolveCredentials().map(Credentials::secretId)).expectNext("AKIDfile").verifyComplete();
        CredentialsChain envFirst = new CredentialsChain(new EnvironmentCredentialsProvider(Map.of(
                "TENCENTCLOUD_SECRET_ID", "AKIDenv", "TENCENTCLOUD_SECRET_KEY", "k")),
                ProfileCredentialsProvider.ofFile(f, Schedulers.immediate()));
        StepVerifier.create(envFirst.resolveCredentials().map(Credentials::secretId)).expectNext("AKIDenv").verifyComplete();
    }

    @Test
    void chainWithNothingAnywhereNamesEveryPlaceItLooked() {
        Map<String, String> env = Map.of();
        CredentialsChain chain = new CredentialsChain(new EnvironmentCredentialsProvider(env),
                ProfileCredentialsProvider.standard(env, Schedulers.immediate()));
        String home = System.getProperty("user.home");
        boolean anyProfileExists = Files.exists(Path.of(home, ".tencentcloud", "credentials"))
                || Files.exists(Path.of("/etc/tencentcloud/credentials"));
        org.junit.jupiter.api.Assumptions.assumeFalse(anyProfileExists, "this machine has a real profile file");
        StepVerifier.create(chain.resolveCredentials())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainCredentialsException.class)
                        .hasMessageContaining("No Tencent Cloud credentials found")
                        .hasMessageContaining("TENCENTCLOUD_SECRET_ID")
                        .hasMessageContaining("TENCENTCLOUD_CREDENTIALS_FILE is not set")
                        .hasMessageContaining(Path.of(home, ".tencentcloud", "credentials").toString())
                        .hasMessageContaining("/etc/tencentcloud/credentials"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void malformedEnvironmentStopsTheChainInsteadOfFallingThrough() throws IOException {
        Path f = file("[default]\nsecret_id=AKIDfile\nsecret_key=k\n");
        CredentialsChain chain = new CredentialsChain(new EnvironmentCredentialsProvider(Map.of(
                "TENCENTCLOUD_SECRET_KEY", "k")), ProfileCredentialsProvider.ofFile(f, Schedulers.immediate()));
        StepVerifier.create(chain.resolveCredentials())
                .expectErrorMatches(e -> e.getMessage().contains("TENCENTCLOUD_SECRET_KEY is set but"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void staticProviderGivesTheSameCredentialsEveryTime() {
        Credentials c = Credentials.of("a", "b");
        Mono<Credentials> m = CredentialsProvider.of(c).resolveCredentials();
        StepVerifier.create(m.repeat(2)).expectNext(c, c, c).verifyComplete();
    }

    @Test
    void profileReadIsReusedForAMinuteThenTheEditedFileIsReadAgain() throws IOException {
        Path f = file("[default]\nsecret_id=AKIDfirst\nsecret_key=k\n");
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        ProfileCredentialsProvider provider = ProfileCredentialsProvider.ofFile(f, Schedulers.immediate(), clock);
        StepVerifier.create(provider.resolveCredentials().map(Credentials::secretId)).expectNext("AKIDfirst")
                .verifyComplete();
        Files.writeString(f, "[default]\nsecret_id=AKIDsecond\nsecret_key=k\n");
        clock.advanceTimeBy(ProfileCredentialsProvider.REREAD_AFTER.minusSeconds(1));
        StepVerifier.create(provider.resolveCredentials().map(Credentials::secretId)).expectNext("AKIDfirst")
                .verifyComplete();
        clock.advanceTimeBy(Duration.ofSeconds(2));
        StepVerifier.create(provider.resolveCredentials().map(Credentials::secretId)).expectNext("AKIDsecond")
                .verifyComplete();
        clock.dispose();
    }

    @Test
    void failedProfileReadIsNotCached() throws IOException {
        Path f = dir.resolve("later");
        ProfileCredentialsProvider provider = ProfileCredentialsProvider.ofFile(f, Schedulers.immediate());
        StepVerifier.create(provider.resolveCredentials()).expectError(DbbrainCredentialsException.class)
                .verify(Duration.ofSeconds(5));
        Files.writeString(f, "[default]\nsecret_id=AKIDnow\nsecret_key=k\n");
        StepVerifier.create(provider.resolveCredentials().map(Credentials::secretId)).expectNext("AKIDnow")
                .verifyComplete();
    }
}
