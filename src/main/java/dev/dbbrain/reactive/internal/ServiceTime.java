package dev.dbbrain.reactive.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Reads the times the service writes (a task's {@code CreateTime}, {@code StartTime}, {@code EndTime}) in either
 * documented format: ISO-8601 with an offset ({@code Z} or {@code ±HH:MM}), or {@code yyyy-MM-dd HH:mm:ss} (and ISO
 * without offset) in the server's zone, seconds optionally with a fraction. Empty, zero and unparseable values give
 * empty: a cosmetic field never fails a whole response.
 *
 * <p>Read by hand, not with {@code java.time}'s parsers: those allocate a few kilobytes per value and throw for
 * each bad one, so a hostile body of 100,000 bad times would cost hundreds of megabytes of garbage.
 */
public final class ServiceTime {

    private ServiceTime() {
    }

    /** The instant {@code raw} names, times without an offset being in {@code zone}; empty if it names none. */
    public static Optional<Instant> parse(String raw, ZoneId zone) {
        String t = raw == null ? "" : raw.trim();
        if (t.length() < 19 || t.length() > 40 || t.charAt(4) != '-' || t.charAt(7) != '-'
                || (t.charAt(10) != 'T' && t.charAt(10) != ' ') || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return Optional.empty();
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > YearMonth.of(year, month).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return Optional.empty();
        }
        int i = 19;
        int nanos = 0;
        if (i < t.length() && t.charAt(i) == '.') {
            int start = ++i;
            while (i < t.length() && Character.isDigit(t.charAt(i)) && i - start < 9) {
                nanos = nanos * 10 + (t.charAt(i++) - '0');
            }
            if (i == start) {
                return Optional.empty();
            }
            for (int scale = i - start; scale < 9; scale++) {
                nanos *= 10;
            }
        }
        LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, second, nanos);
        String offset = t.substring(i);
        if (offset.isEmpty()) {
            return Optional.of(local.atZone(zone).toInstant());
        }
        if (offset.equals("Z") || offset.equals("z")) {
            return Optional.of(local.toInstant(ZoneOffset.UTC));
        }
        int hours = offset.length() == 6 && offset.charAt(3) == ':' ? digits(offset, 1, 2) : -1;
        int minutes = hours < 0 ? -1 : digits(offset, 4, 2);
        if ((offset.charAt(0) != '+' && offset.charAt(0) != '-') || hours < 0 || hours > 18 || minutes < 0
                || minutes > 59) {
            return Optional.empty();
        }
        int seconds = (hours * 3600 + minutes * 60) * (offset.charAt(0) == '-' ? -1 : 1);
        return Optional.of(local.toInstant(ZoneOffset.ofTotalSeconds(seconds)));
    }

    /** The decimal number in {@code count} characters at {@code from}, or -1 if any is not a digit. */
    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
