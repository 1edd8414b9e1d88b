package dev.dbbrain.reactive.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbbrain.reactive.DbbrainCredentialsException;
import dev.dbbrain.reactive.ErrorCategory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.util.retry.Retry;

/**
 * The refreshing provider on a virtual clock, with a fetch that counts its subscriptions: every figure here is a
 * count of fetch attempts, never a duration.
 */
class RefreshingCredentialsProviderTest {

    private static final Instant START = Instant.parse("2026-11-28T00:00:00Z");
    private static final Duration LIFETIME = Duration.ofHours(1);
    private static final Duration FETCH_TAKES = Duration.ofMillis(200);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final AtomicInteger fetches = new AtomicInteger();
    /** What the next fetch does: give credentials numbered by the fetch, or fail. */
    private final AtomicReference<Mono<Credentials>> behaviour = new AtomicReference<>();

    RefreshingCredentialsProviderTest() {
        time.advanceTimeTo(START);
        succeedWith(LIFETIME);
    }

    @AfterEach
    void disposeTime() {
        time.dispose();
    }

    private Instant now() {
        return Instant.ofEpochMilli(time.now(TimeUnit.MILLISECONDS));
    }

    /** Each fetch takes {@link #FETCH_TAKES} and gives credentials {@code AKIDtmp<n>} valid for {@code lifetime}. */
    private void succeedWith(Duration lifetime) {
        behaviour.set(Mono.defer(() -> {
            int n = fetches.get();
            return Mono.delay(FETCH_TAKES, time).map(x -> Credentials.of("AKIDtmp" + n, "key-" + n, "token-" + n,
                    now().plus(lifetime)));
        }));
    }

    private void failWith(RuntimeException error) {
        behaviour.set(Mono.delay(FETCH_TAKES, time).then(Mono.error(error)));
    }

    private final Mono<Credentials> countingFetch = Mono.defer(() -> {
        fetches.incrementAndGet();
        return behaviour.get();
    });

    /** Three retries at 1 s, 2 s, 4 s exactly: no jitter, so each backoff step can be stepped through. */
    private RefreshingCredentialsProvider provider() {
        return new RefreshingCredentialsProvider("the test source", countingFetch, Duration.ofMinutes(5),
                Retry.backoff(3, Duration.ofSeconds(1)).jitter(0).scheduler(time), time);
    }

    /** Subscribes {@code n} callers at once and returns what each got (a secretId, or the error). */
    private List<Object> callers(CredentialsProvider provider, int n, List<Disposable> subscriptions) {
        List<Object> results = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < n; i++) {
            subscriptions.add(provider.resolveCredentials().subscribe(c -> results.add(c.secretId()),
                    results::add));
        }
        return results;
    }

    private static String secretIdOf(CredentialsProvider provider) {
        return provider.resolveCredentials().map(Credentials::secretId).block(WAIT);
    }

    @Test
    void hundredConcurrentFirstCallersShareOneFetchAndLaterCallsAreServedFromTheCache() {
        RefreshingCredentialsProvider provider = provider();
        List<Object> results = callers(provider, 100, new ArrayList<>());
        assertThat(fetches).hasValue(1);
        assertThat(results).isEmpty();
        time.advanceTimeBy(FETCH_TAKES);
        assertThat(results).hasSize(100).containsOnly("AKIDtmp1");
        time.advanceTimeBy(Duration.ofMinutes(30));
        for (int i = 0; i < 1000; i++) {
            assertThat(secretIdOf(provider)).isEqualTo("AKIDtmp1");
        }
        assertThat(fetches).hasValue(1);
    }

    @Test
    void refreshStartsFiveMinutesBeforeExpiryWhileTheCurrentCredentialsKeepBeingServed() {
        RefreshingCredentialsProvider provider = provider();
        callers(provider, 1, new ArrayList<>());
        time.advanceTimeBy(FETCH_TAKES);
        time.advanceTimeBy(LIFETIME.minus(Duration.ofMinutes(5)).minusSeconds(1));
        assertThat(secretIdOf(provider)).isEqualTo("AKIDtmp1");
        assertThat(fetches).as("not due yet").hasValue(1);

        time.advanceTimeBy(Duration.ofSeconds(2));
        // Due: served at once from the cache, and exactly one background refresh for all these callers.
        for (int i = 0; i < 50; i++) {
            assertThat(secretIdOf(provider)).isEqualTo("AKIDtmp1");
        }
        assertThat(fetches).hasValue(2);
        time.advanceTimeBy(FETCH_TAKES);
        assertThat(secretIdOf(provider)).isEqualTo("AKIDtmp2");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void shortLifetimeRefreshesAtHalfLife() {
        succeedWith(Duration.ofMinutes(4));
        RefreshingCredentialsProvider provider = provider();
        callers(provider, 1, new ArrayList<>());
        time.advanceTimeBy(FETCH_TAKES);
        time.advanceTimeBy(Duration.ofMinutes(2).minusSeconds(1));
        secretIdOf(provider);
        assertThat(fetches).hasValue(1);
        time.advanceTimeBy(Duration.ofSeconds(2));
        secretIdOf(provider);
        assertThat(fetches).hasValue(2);
    }

    @Test
    void failingRefreshCostsOneAttemptPerBackoffStepWhateverTheNumberOfCallers() {
        RuntimeException outage = new IllegalStateException("metadata down");
        failWith(outage);
        RefreshingCredentialsProvider provider = provider();
        List<Object> results = callers(provider, 200, new ArrayList<>());
        assertThat(fetches).hasValue(1);
        // Attempt, fails after 200 ms; retries after 1 s, 2 s, 4 s: one attempt per step for all 200 callers.
        int[] expected = {2, 3, 4};
        Duration[] backoffs = {Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)};
        for (int step = 0; step < 3; step++) {
            time.advanceTimeBy(FETCH_TAKES.plus(backoffs[step]).minusMillis(1));
            assertThat(fetches).as("before step %d", step + 1).hasValue(expected[step] - 1);
            time.advanceTimeBy(Duration.ofMillis(1));
            assertThat(fetches).as("step %d", step + 1).hasValue(expected[step]);
        }
        assertThat(results).isEmpty();
        time.advanceTimeBy(FETCH_TAKES);
        assertThat(fetches).hasValue(4);
        assertThat(results).hasSize(200).allSatisfy(r -> assertThat((Throwable) r)
                .isInstanceOf(DbbrainCredentialsException.class)
                .hasMessageContainingAll("the test source", "retries exhausted", "IllegalStateException")
                .hasMessageNotContaining("metadata down"));
        assertThat(((DbbrainCredentialsException) results.get(0)).getCause()).isSameAs(outage);
        assertThat(((DbbrainCredentialsException) results.get(0)).category()).isEqualTo(ErrorCategory.AUTH);

        // Nothing is cached from a failure: the next caller starts a new refresh, which may succeed.
        succeedWith(LIFETIME);
        StepVerifier.create(provider.resolveCredentials().map(Credentials::secretId))
                .then(() -> time.advanceTimeBy(FETCH_TAKES))
                .expectNext("AKIDtmp5").expectComplete().verify(WAIT);
    }

    @Test
    void failedRefreshBeforeExpiryKeepsServingTheValidCredentialsUntilTheyAreStale() {
        RefreshingCredentialsProvider provider = provider();
        callers(provider, 1, new ArrayList<>());
        time.advanceTimeBy(FETCH_TAKES);
        failWith(new IllegalStateException("sts down"));
        time.advanceTimeBy(LIFETIME.minus(Duration.ofMinutes(4)));
        assertThat(secretIdOf(provider)).isEqualTo("AKIDtmp1");
        assertThat(fetches).hasValue(2);
        time.advanceTimeBy(Duration.ofSeconds(10));
        assertThat(fetches).as("the refresh's retries, one per step").hasValue(5);
        // The refresh gave up; the credentials are still good for almost four minutes and are served.
        for (int i = 0; i < 20; i++) {
            assertThat(secretIdOf(provider)).isEqualTo("AKIDtmp1");
        }
        assertThat(fetches).as("the next call started one new refresh").hasValue(6);
        // 30 s before expiry they are stale: a caller now waits for the refresh and gets its error.
        time.advanceTimeBy(Duration.ofMinutes(4).minusSeconds(10).minusSeconds(30));
        List<Object> late = callers(provider, 10, new ArrayList<>());
        time.advanceTimeBy(Duration.ofSeconds(30));
        assertThat(late).hasSize(10).allSatisfy(r -> assertThat(r).isInstanceOf(DbbrainCredentialsException.class));
    }

    @Test
    void callersThatCancelDoNotCancelTheSharedRefresh() {
        RefreshingCredentialsProvider provider = provider();
        List<Disposable> subscriptions = new ArrayList<>();
        callers(provider, 10, subscriptions);
        subscriptions.forEach(Disposable::dispose);
        time.advanceTimeBy(FETCH_TAKES);
        assertThat(secretIdOf(provider)).isEqualTo("AKIDtmp1");
        assertThat(fetches).hasValue(1);
    }

    @Test
    void fetchThatNeverAnswersTimesOutPerAttemptAndEndsInATypedError() {
        behaviour.set(Mono.never());
        RefreshingCredentialsProvider provider = provider();
        List<Object> results = callers(provider, 3, new ArrayList<>());
        time.advanceTimeBy(RefreshingCredentialsProvider.ATTEMPT_TIMEOUT.multipliedBy(4).plusSeconds(7));
        assertThat(fetches).hasValue(4);
        assertThat(results).hasSize(3).allSatisfy(r -> assertThat((Throwable) r)
                .isInstanceOf(DbbrainCredentialsException.class).hasMessageContaining("no answer within"));
    }

    @Test
    void credentialsWithoutExpirationOrNoneAtAllAreTypedErrors() {
        behaviour.set(Mono.just(Credentials.of("AKIDperm", "perm-key")));
        RefreshingCredentialsProvider noExpiry = new RefreshingCredentialsProvider("the test source",
                countingFetch, Duration.ofMinutes(5), Retry.max(0), time);
        StepVerifier.create(noExpiry.resolveCredentials())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DbbrainCredentialsException.class)
                        .hasMessageContaining("without an expiration"))
                .verify(WAIT);
        behaviour.set(Mono.empty());
        StepVerifier.create(noExpiry.resolveCredentials())
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("gave no credentials"))
                .verify(WAIT);
        behaviour.set(Mono.fromSupplier(() -> Credentials.of("AKIDold", "k", "t", now().minusSeconds(1))));
        StepVerifier.create(noExpiry.resolveCredentials())
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("expired at"))
                .verify(WAIT);
    }

    @Test
    void expiringCredentialsShowNeitherKeyNorTokenAndCheckTheirArguments() {
        Credentials c = Credentials.of("AKIDtmp", "very-secret-key", "very-secret-token", START);
        assertThat(c.toString()).contains("AKIDtmp", START.toString())
                .doesNotContain("very-secret-key", "very-secret-token");
        assertThat(c.expiration()).contains(START);
        assertThat(Credentials.of("AKID", "k").expiration()).isEmpty();
        assertThat(c).isNotEqualTo(Credentials.of("AKIDtmp", "very-secret-key", "very-secret-token"));
        assertThatThrownBy(() -> Credentials.of("AKID", "k", null, START)).hasMessageContaining("token");
        assertThatThrownBy(() -> Credentials.of("AKID", "k", "t", null)).hasMessageContaining("expiration");
        assertThatThrownBy(() -> CredentialsProvider.refreshing(Mono.empty(), Duration.ZERO, Retry.max(0), time))
                .hasMessageContaining("refreshBefore");
        assertThatThrownBy(CredentialsProvider::chain).hasMessageContaining("providers");
    }
}
