package io.auditbridge.detector.fields;

import io.auditbridge.core.Rfc3339;
import java.time.Instant;
import java.time.LocalDateTime;
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
        StringBuilder sb = new StringBuilder(18);
        appendClock(sb, LocalDateTime.ofEpochSecond(Math.floorDiv(epochNanos, NANOS), (int) Math.floorMod(epochNanos, NANOS), ZoneOffset.UTC));
        return sb.toString();
    }

    /** {@code 2026-11-30T01:02:03.123456789Z}, the {@code time} of Falco's JSON output. */
    public static String iso(long epochNanos) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochNanos, NANOS), (int) Math.floorMod(epochNanos, NANOS), ZoneOffset.UTC);
        if (t.getYear() < 0 || t.getYear() > 9999) {
            return ISO.format(instant(epochNanos));
        }
        StringBuilder sb = new StringBuilder(30);
        pad(sb, t.getYear(), 4).append('-');
        pad(sb, t.getMonthValue(), 2).append('-');
        pad(sb, t.getDayOfMonth(), 2).append('T');
        appendClock(sb, t);
        return sb.append('Z').toString();
    }

    // Formatting by hand: alerts are formatted twice each, and DateTimeFormatter dominated the alert cost.
    private static void appendClock(StringBuilder sb, LocalDateTime t) {
        pad(sb, t.getHour(), 2).append(':');
        pad(sb, t.getMinute(), 2).append(':');
        pad(sb, t.getSecond(), 2).append('.');
        pad(sb, t.getNano(), 9);
    }

    private static StringBuilder pad(StringBuilder sb, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }
}
