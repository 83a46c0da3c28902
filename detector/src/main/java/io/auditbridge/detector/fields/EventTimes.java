package io.auditbridge.detector.fields;

import io.auditbridge.core.Rfc3339;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The event time Falco uses (the {@code stageTimestamp}) and its two printed forms. */
public final class EventTimes {
    private static final long NANOS = 1_000_000_000L;
    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private EventTimes() {}

    /** Nanoseconds since the epoch of an RFC 3339 timestamp; 0 when absent or unparseable. */
    public static long parseNanos(String rfc3339) {
        if (rfc3339 == null) {
            return 0;
        }
        long fast = Rfc3339.canonicalEpochNanos(rfc3339);
        if (fast != Rfc3339.NOT_CANONICAL) {
            return fast;
        }
        try {
            Instant i = Instant.parse(rfc3339);
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    public static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    }

    /** {@code HH:MM:SS.nnnnnnnnn} (UTC), the time prefix of Falco's output line. */
    public static String clock(long epochNanos) {
        char[] c = new char[18];
        writeClock(c, 0, epochNanos);
        return new String(c);
    }

    /** {@code 2026-11-30T01:02:03.123456789Z}, the {@code time} of Falco's JSON output. */
    public static String iso(long epochNanos) {
        LocalDate d = LocalDate.ofEpochDay(Math.floorDiv(Math.floorDiv(epochNanos, NANOS), 86_400L));
        if (d.getYear() < 0 || d.getYear() > 9999) {
            return ISO.format(instant(epochNanos));
        }
        char[] c = new char[30];
        digits(c, 0, d.getYear(), 4);
        c[4] = '-';
        digits(c, 5, d.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, d.getDayOfMonth(), 2);
        c[10] = 'T';
        writeClock(c, 11, epochNanos);
        c[29] = 'Z';
        return new String(c);
    }

    // Formatting by hand: alerts are formatted twice each, and DateTimeFormatter (then LocalDateTime and a String
    // per number) dominated the alert cost.
    private static void writeClock(char[] c, int at, long epochNanos) {
        long secondOfDay = Math.floorMod(Math.floorDiv(epochNanos, NANOS), 86_400L);
        digits(c, at, (int) (secondOfDay / 3600), 2);
        c[at + 2] = ':';
        digits(c, at + 3, (int) (secondOfDay / 60 % 60), 2);
        c[at + 5] = ':';
        digits(c, at + 6, (int) (secondOfDay % 60), 2);
        c[at + 8] = '.';
        digits(c, at + 9, (int) Math.floorMod(epochNanos, NANOS), 9);
    }

    /** {@code value} as {@code width} decimal digits, zero-padded ({@code value} has at most that many). */
    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
