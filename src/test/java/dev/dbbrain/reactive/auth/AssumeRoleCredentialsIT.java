package dev.dbbrain.reactive.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbbrain.reactive.CreateProxySessionKillTaskRequest;
import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DbbrainClient;
import dev.dbbrain.reactive.DbbrainCredentialsException;
import dev.dbbrain.reactive.DescribeProxySessionKillTasksRequest;
import dev.dbbrain.reactive.emulator.DbbrainEmulator;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.testing.SchedulerClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.util.retry.Retry;

/**
 * The STS AssumeRole provider end to end against the emulator, which answers AssumeRole for the base key pair and
 * then accepts the credentials it issued (with their X-TC-Token) until they expire. Provider, client and emulator
 * share one virtual clock; HTTP travels over loopback in real time.
 */
class AssumeRoleCredentialsIT {

    private static final String BASE_ID = "AKIDbaseAccount0001";
    private static final String BASE_KEY = "base-account-secret-key";
    private static final String ROLE_ARN = "qcs::cam::uin/100000000001:roleName/dbbrain-ops";
    private static final String INSTANCE = "crs-sts00001";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final Clock clock = new SchedulerClock(time, Instant.EPOCH);
    private final DbbrainEmulator emulator;

    AssumeRoleCredentialsIT() {
        time.advanceTimeTo(Instant.parse("2026-11-28T00:00:00Z"));
        emulator = DbbrainEmulator.builder().credentials(BASE_ID, BASE_KEY).clock(clock).rateLimit(0).start();
    }

    @AfterEach
    void stop() {
        emulator.stop();
        time.dispose();
    }

    private AssumeRoleCredentials fetch(Credentials base, String roleArn) {
        return new AssumeRoleCredentials(CredentialsProvider.of(base), roleArn, "it-session", Duration.ofMinutes(15),
                emulator.endpoint(), "ap-guangzhou", time);
    }

    private DbbrainClient client(CredentialsProvider credentials) {
        return DbbrainClient.builder().endpoint(emulator.endpoint()).credentialsProvider(credentials).clock(clock)
                .scheduler(time).rateLimiter(RateLimiter.unlimited()).build();
    }

    private long assumeRoleCalls() {
        return emulator.stats().requests().getOrDefault("AssumeRole", 0L);
    }

    @Test
    void assumeRoleThenCreateAndDescribeWithTheTemporaryCredentialsThenRotateBeforeExpiry() {
        AssumeRoleCredentials sts = fetch(Credentials.of(BASE_ID, BASE_KEY), ROLE_ARN);
        RefreshingCredentialsProvider provider = RefreshingCredentialsProvider.withDefaults(sts.toString(),
                sts::fetch, time);
        try (DbbrainClient client = client(provider)) {
            long task = client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(INSTANCE))
                    .block(WAIT).asyncRequestId();
            assertThat(client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, task))
                    .block(WAIT).tasks()).hasSize(1);
            assertThat(assumeRoleCalls()).as("one AssumeRole serves both calls").isEqualTo(1);
            Credentials first = provider.resolveCredentials().block(WAIT);
            assertThat(first.secretId()).isNotEqualTo(BASE_ID);
            assertThat(first.token()).isPresent();
            assertThat(first.expiration()).contains(clock.instant().plus(Duration.ofMinutes(15)));

            // Ten minutes and a second later the refresh is due (five minutes before expiry): the call is served at
            // once with the first credentials, and one AssumeRole runs behind it.
            time.advanceTimeBy(Duration.ofMinutes(10).plusSeconds(1));
            assertThat(client.describeProxySessionKillTasks(DescribeProxySessionKillTasksRequest.of(INSTANCE, task))
                    .block(WAIT).tasks()).hasSize(1);
            awaitReal(() -> !provider.resolveCredentials().block(WAIT).secretId().equals(first.secretId()));
            Credentials second = provider.resolveCredentials().block(WAIT);
            assertThat(assumeRoleCalls()).isEqualTo(2);

            // Past the first credentials' expiry the emulator refuses them, and the client goes on with the second.
            time.advanceTimeBy(Duration.ofMinutes(5));
            for (int i = 0; i < 5; i++) {
                assertThat(client.describeProxySessionKillTasks(
                        DescribeProxySessionKillTasksRequest.of(INSTANCE, task)).block(WAIT).tasks()).hasSize(1);
            }
            assertThat(provider.resolveCredentials().block(WAIT)).isEqualTo(second);
            assertThat(assumeRoleCalls()).isEqualTo(2);
            try (DbbrainClient stale = client(CredentialsProvider.of(first))) {
                StepVerifier.create(stale.describeProxySessionKillTasks(
                                DescribeProxySessionKillTasksRequest.of(INSTANCE, task)))
                        .expectErrorSatisfies(e -> assertThat(((DbbrainApiException) e).code())
                                .isEqualTo("AuthFailure.TokenFailure"))
                        .verify(WAIT);
            }
            assertThat(emulator.stats().errors()).containsOnlyKeys("AuthFailure.TokenFailure");
        }
    }

    @Test
    void stsRefusalIsACredentialsErrorCarryingTheActionCodeAndRequestIdButNoSecret() {
        AssumeRoleCredentials sts = fetch(Credentials.of("AKIDunknown", BASE_KEY), ROLE_ARN);
        RefreshingCredentialsProvider provider = new RefreshingCredentialsProvider(sts.toString(),
                Mono.defer(sts::fetch), Duration.ofMinutes(5), Retry.max(0), time);
        try (DbbrainClient client = client(provider)) {
            StepVerifier.create(client.createProxySessionKillTask(CreateProxySessionKillTaskRequest.of(INSTANCE)))
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(DbbrainCredentialsException.class)
                                .hasMessageContaining("AssumeRole").hasMessageContaining(ROLE_ARN)
                                .hasMessageContaining("AuthFailure.SecretIdNotFound")
                                .hasMessageNotContaining(BASE_KEY);
                        DbbrainApiException cause = (DbbrainApiException) e.getCause();
                        assertThat(cause.action()).isEqualTo("AssumeRole");
                        assertThat(cause.code()).isEqualTo("AuthFailure.SecretIdNotFound");
                        assertThat(cause.requestId()).isNotBlank();
                    })
                    .verify(WAIT);
        }
        assertThat(emulator.stats().requests()).doesNotContainKey("CreateProxySessionKillTask");
    }

    @Test
    void roleArnTheServiceRejectsIsInvalidParameterValue() {
        AssumeRoleCredentials sts = fetch(Credentials.of(BASE_ID, BASE_KEY), "qcs::cam::uin/1:user/not-a-role");
        StepVerifier.create(sts.fetch())
                .expectErrorSatisfies(e -> assertThat(((DbbrainApiException) e).code())
                        .isEqualTo("InvalidParameterValue"))
                .verify(WAIT);
    }

    @Test
    void temporaryBaseCredentialsSendTheirOwnToken() {
        Credentials issued = fetch(Credentials.of(BASE_ID, BASE_KEY), ROLE_ARN).fetch().block(WAIT);
        Credentials chained = fetch(issued, ROLE_ARN).fetch().block(WAIT);
        assertThat(chained.secretId()).isNotEqualTo(issued.secretId());
        Credentials withoutToken = Credentials.of(issued.secretId(), issued.secretKey());
        StepVerifier.create(fetch(withoutToken, ROLE_ARN).fetch())
                .expectErrorSatisfies(e -> assertThat(((DbbrainApiException) e).code())
                        .isEqualTo("AuthFailure.TokenFailure"))
                .verify(WAIT);
    }

    @Test
    void argumentsAreCheckedAtOnceAndNamed() {
        CredentialsProvider base = CredentialsProvider.of(Credentials.of(BASE_ID, BASE_KEY));
        assertThatThrownBy(() -> CredentialsProvider.assumeRole(base, " ", "s1")).hasMessageContaining("roleArn");
        assertThatThrownBy(() -> CredentialsProvider.assumeRole(base, ROLE_ARN, "x"))
                .hasMessageContaining("roleSessionName");
        assertThatThrownBy(() -> CredentialsProvider.assumeRole(base, ROLE_ARN, "s1", Duration.ofHours(13),
                "https://sts.tencentcloudapi.com", "ap-guangzhou")).hasMessageContaining("duration");
        assertThatThrownBy(() -> CredentialsProvider.assumeRole(base, ROLE_ARN, "s1", Duration.ofHours(1),
                "http://sts.example.com", "ap-guangzhou")).hasMessageContaining("plain http://");
        assertThatThrownBy(() -> CredentialsProvider.assumeRole(null, ROLE_ARN, "s1")).hasMessageContaining("base");
        assertThat(CredentialsProvider.assumeRole(base, ROLE_ARN, "s1").toString()).contains(ROLE_ARN)
                .doesNotContain(BASE_KEY);
    }

    /** Polls in real time: the refresh behind a call travels over loopback. */
    private static void awaitReal(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
