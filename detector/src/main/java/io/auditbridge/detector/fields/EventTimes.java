package io.auditbridge.detector.fields;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The event time Falco uses (the {@code stageTimestamp}) and its two printed forms. */
public final class EventTimes {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSSSSS").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private EventTimes() {}

    /** Nanoseconds since the epoch of an RFC 3339 timestamp; 0 when absent or unparseable. */
    public static long parseNanos(String rfc3339) {
        if (rfc3339 == null) {
            return 0;
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
        return CLOCK.format(instant(epochNanos));
    }

    /** {@code 2026-11-30T01:02:03.123456789Z}, the {@code time} of Falco's JSON output. */
    public static String iso(long epochNanos) {
        return ISO.format(instant(epochNanos));
    }
}
