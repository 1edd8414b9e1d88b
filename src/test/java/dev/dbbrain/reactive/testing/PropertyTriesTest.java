package dev.dbbrain.reactive.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;

class PropertyTriesTest {

    private static final Pattern SEED = Pattern.compile("seed (-?\\d+) \\(replay it with -Dproperty\\.seed=(-?\\d+)\\)");

    @Test
    void theSameSeedDrawsTheSameValues() {
        Gen first = new Gen(42);
        Gen second = new Gen(42);
        assertThat(first.bytes(100)).isEqualTo(second.bytes(100));
        assertThat(first.text(0, 50)).isEqualTo(second.text(0, 50));
        assertThat(first.list(0, 10, g -> g.anyLong())).isEqualTo(second.list(0, 10, g -> g.anyLong()));
        assertThat(new Gen(43).text(20, 20)).isNotEqualTo(new Gen(42).text(20, 20));
    }

    @Test
    void triesAreAsManyAsAskedEachWithItsSeedInItsName() {
        List<DynamicTest> tries = PropertyTries.of(25, g -> { }).toList();
        assertThat(tries).hasSize(25);
        assertThat(tries.get(0).getDisplayName()).matches("try 1, seed -?\\d+");
        assertThat(tries.stream().map(DynamicTest::getDisplayName).distinct()).hasSize(25);
    }

    @Test
    void aFailingTryNamesTheSeedThatDrawsItsValuesAgain() throws Throwable {
        List<Integer> failingValues = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        for (DynamicTest test : PropertyTries.of(200, g -> {
            int value = g.between(0, 9);
            if (value == 3) {
                failingValues.add(value);
                throw new AssertionError("drew 3");
            }
        }).toList()) {
            Throwable failure = catchThrowable(() -> test.getExecutable().execute());
            if (failure != null) {
                assertThat(failure).isInstanceOf(AssertionError.class).hasMessageContaining("drew 3");
                messages.add(failure.getMessage());
            }
        }
        assertThat(messages).isNotEmpty().hasSize(failingValues.size());
        for (String message : messages) {
            Matcher m = SEED.matcher(message);
            assertThat(m.find()).as(message).isTrue();
            assertThat(m.group(2)).isEqualTo(m.group(1));
            assertThat(new Gen(Long.parseLong(m.group(1))).between(0, 9)).isEqualTo(3);
        }
    }

    @Test
    void theSeedPropertyReplaysExactlyOneTry() throws Throwable {
        String previous = System.setProperty(PropertyTries.SEED_PROPERTY, "-4982736152377261");
        try {
            List<Integer> drawn = new ArrayList<>();
            List<DynamicTest> tries = PropertyTries.of(500, g -> drawn.add(g.between(0, 1_000_000))).toList();
            assertThat(tries).hasSize(1);
            assertThat(tries.get(0).getDisplayName()).isEqualTo("try 1, seed -4982736152377261");
            tries.get(0).getExecutable().execute();
            assertThat(drawn).containsExactly(new Gen(-4982736152377261L).between(0, 1_000_000));
        } finally {
            if (previous == null) {
                System.clearProperty(PropertyTries.SEED_PROPERTY);
            } else {
                System.setProperty(PropertyTries.SEED_PROPERTY, previous);
            }
        }
    }
}
