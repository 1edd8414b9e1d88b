package dev.dbbrain.reactive.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceTimeTest {

    @Test
    void timesParseInBothDocumentedFormatsAndNeverFail() {
        assertThat(ServiceTime.parse("2020-09-22T00:00:00+00:00", ZoneOffset.UTC))
                .contains(Instant.parse("2020-09-22T00:00:00Z"));
        assertThat(ServiceTime.parse("2022-02-11 10:22:46", ZoneOffset.ofHours(8)))
                .contains(Instant.parse("2022-02-11T02:22:46Z"));
        assertThat(ServiceTime.parse("2022-02-11T10:22:46Z", ZoneOffset.ofHours(8)))
                .contains(Instant.parse("2022-02-11T10:22:46Z"));
        assertThat(ServiceTime.parse("2022-02-11 10:22:46.5-03:30", ZoneOffset.UTC))
                .contains(Instant.parse("2022-02-11T13:52:46.500Z"));
        for (String empty : List.of("", " ", "0000-00-00 00:00:00", "yesterday", "2022-02-30 10:00:00",
                "2022-02-11 10:22:-1", "2022-02-11 24:00:00", "2022-02-11 10:22:46+5", "2022-02-11 10:22:46.",
                "2022-02-11T10:22:46+25:00", "2022-02-11 10:22:46 UTC")) {
            assertThat(ServiceTime.parse(empty, ZoneOffset.UTC)).isEqualTo(Optional.empty());
        }
        assertThat(ServiceTime.parse(null, ZoneOffset.UTC)).isEmpty();
    }
}
