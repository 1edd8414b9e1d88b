package dev.dbbrain.reactive.emulator;

import dev.dbbrain.reactive.TaskInfo;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How {@code TaskInfo} times are written, in UTC+8 as the service does: ISO-8601 with offset
 * ({@code 2022-02-11T10:22:46+08:00}) or the legacy {@code 2022-02-11 10:22:46} that also appears in the official
 * examples. A time that has not happened yet is the empty string.
 */
final class TimeFormat {

    static final ZoneOffset SERVICE_ZONE = ZoneOffset.ofHours(8);

    private final DateTimeFormatter formatter;

    private TimeFormat(String pattern) {
        this.formatter = DateTimeFormatter.ofPattern(pattern).withZone(SERVICE_ZONE);
    }

    static TimeFormat of(boolean legacy) {
        return new TimeFormat(legacy ? "uuuu-MM-dd HH:mm:ss" : "uuuu-MM-dd'T'HH:mm:ssXXX");
    }

    /** Formats clock millis, or returns "" for a negative value (not happened yet). */
    String format(long millis) {
        return millis < 0 ? "" : formatter.format(Instant.ofEpochMilli(millis));
    }
}
