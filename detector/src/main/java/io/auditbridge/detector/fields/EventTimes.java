package io.auditbridge.detector.fields;

import io.auditbridge.core.Rfc3339;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** The event time Falco uses (the {@code stageTimestamp}) and its two printed forms. */
public final class EventTimes {
    private static final long NANOS = 1_000_000_000L;

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
            return i.getEpochSecond() * NANOS + i.getNano();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    public static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, NANOS), Math.floorMod(epochNanos, NANOS));
    }

    /** {@code HH:MM:SS.nnnnnnnnn} (UTC), the time prefix of Falco's output line. */
    public static String clock(long epochNanos) {
        return iso(epochNanos).substring(11, 29);
    }

    /** {@code 2026-11-30T01:02:03.123456789Z}, the {@code time} of Falco's JSON output. */
    public static String iso(long epochNanos) {
        return Rfc3339.format(Math.floorDiv(epochNanos, NANOS), (int) Math.floorMod(epochNanos, NANOS), 9);
    }
}
