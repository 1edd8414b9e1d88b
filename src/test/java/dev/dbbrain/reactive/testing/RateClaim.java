package dev.dbbrain.reactive.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.testing.SendStamps.Send;
import java.util.List;
import java.util.Map;

/**
 * The rate claim checked on both sides of the wire, so that it holds on a busy machine and still fails for a library
 * bug. The library's claim is about what the client sends ({@link SendStamps}): never more than {@code limit}
 * requests of one action in any sliding second. The emulator counts a request when its event loop reads it, and on
 * a starved machine requests sent within the limit arrive bunched, so the emulator's own count may exceed the limit
 * and it may answer {@code RequestLimitExceeded}. Its view is kept, as proof that the measurement covers what it saw
 * and that every refusal it made was arrival bunching:
 * <ul>
 *   <li>it received exactly the requests the client stamped, per action (nothing reached it outside the
 *       measurement; with injected faults, at most those: a request written to a connection the emulator had
 *       already closed never reaches it);
 *   <li>every {@code RequestLimitExceeded} it answered was read by the client as the answer to a stamped send, and
 *       that send's own client-side sliding second held at most {@code limit} sends of its action: the emulator
 *       counted more only because some arrived later than they were sent;
 *   <li>without injected faults, its busiest second holds at most {@code limit} plus the requests it refused (it
 *       admits at most {@code limit}), so a count above the limit is always one of those explained refusals. With
 *       faults it is not checked: a faulted request (502, reset, garbled answer) is counted as received but never
 *       reaches the emulator's limiter, so neither admitted nor refused.
 * </ul>
 * A library that sends one request too many in a second fails the first check on the client's stamps, whatever
 * the machine's load; a request that bypasses the measured client fails the count check.
 */
public final class RateClaim {

    private RateClaim() {
    }

    /**
     * Asserts the claim on the client's sends and that the emulator's view is explained by them.
     *
     * @param limit the most requests of one action in any sliding second
     * @param sends the client's stamped sends
     * @param emulatorRequests the emulator's request count per action
     * @param emulatorRefusals the {@code RequestLimitExceeded} answers the emulator gave
     * @param emulatorMax the emulator's most requests per action in one sliding second
     * @param faults whether the emulator injects faults (then a stamped send may never arrive, and a faulted one
     *     bypasses its limiter)
     */
    public static void assertWithin(int limit, List<Send> sends, Map<String, Long> emulatorRequests,
            long emulatorRefusals, Map<String, Integer> emulatorMax, boolean faults) {
        Map<String, Long> sent = SendStamps.counts(sends);
        Map<String, Long> refused = SendStamps.refusals(sends);
        String figures = figures(limit, sends, emulatorRequests, emulatorRefusals, emulatorMax);
        System.out.println(figures);
        assertThat(SendStamps.maxPerSlidingSecond(sends)).as("client-side sends per sliding second; " + figures)
                .isNotEmpty().allSatisfy((action, max) -> assertThat(max).as(action).isLessThanOrEqualTo(limit));
        if (faults) {
            assertThat(emulatorRequests).as("the emulator received only stamped requests; " + figures)
                    .allSatisfy((action, n) -> assertThat(n).as(action).isLessThanOrEqualTo(sent.getOrDefault(action,
                            0L)));
        } else {
            assertThat(emulatorRequests).as("the emulator received exactly the stamped requests; " + figures)
                    .isEqualTo(sent);
        }
        assertThat(refused.values().stream().mapToLong(Long::longValue).sum())
                .as("every RequestLimitExceeded the emulator answered was read as the answer to a stamped send; "
                        + figures).isEqualTo(emulatorRefusals);
        for (Send s : sends) {
            if (s.refused()) {
                assertThat(SendStamps.inSecondEndingAt(sends, s))
                        .as("a refused %s: the client's sliding second ending at its send; %s", s.action(), figures)
                        .isLessThanOrEqualTo(limit);
            }
        }
        if (faults) {
            return;
        }
        assertThat(emulatorMax).as("the emulator's busiest second: the limit plus its refusals; " + figures)
                .allSatisfy((action, max) -> assertThat((long) max).as(action)
                        .isLessThanOrEqualTo(limit + refused.getOrDefault(action, 0L)));
    }

    private static String figures(int limit, List<Send> sends, Map<String, Long> emulatorRequests,
            long emulatorRefusals, Map<String, Integer> emulatorMax) {
        return String.format("client sent %s, most in one sliding second %s, refusals read %s; emulator received %s,"
                + " most in one sliding second %s, RequestLimitExceeded answered %d%s", SendStamps.counts(sends),
                SendStamps.maxPerSlidingSecond(sends), SendStamps.refusals(sends), emulatorRequests, emulatorMax,
                emulatorRefusals, busiest(sends, limit));
    }

    /** Each action's busiest client-side second, when over the limit: its sends in ms since the run's first send. */
    private static String busiest(List<Send> sends, int limit) {
        StringBuilder b = new StringBuilder();
        long origin = sends.stream().mapToLong(Send::nanos).min().orElse(0);
        Map<String, Integer> max = SendStamps.maxPerSlidingSecond(sends);
        max.forEach((action, most) -> {
            if (most <= limit) {
                return;
            }
            Send last = sends.stream().filter(s -> s.action().equals(action)
                    && SendStamps.inSecondEndingAt(sends, s) == most).findFirst().orElseThrow();
            b.append(String.format("; %s's busiest second, sent at ms %s", action, sends.stream()
                    .filter(s -> s.action().equals(action) && s.nanos() <= last.nanos()
                            && s.nanos() > last.nanos() - 1_000_000_000L)
                    .map(s -> Long.toString((s.nanos() - origin) / 1_000_000)).toList()));
        });
        return b.toString();
    }
}
