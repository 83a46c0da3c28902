package io.auditbridge.aks;

import com.azure.messaging.eventhubs.models.EventPosition;
import io.auditbridge.core.cli.ConfigException;
import io.auditbridge.core.cli.Durations;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Where a partition starts when it has no checkpoint yet: {@code earliest} (the hub's whole retention),
 * {@code latest} (only what arrives from now on), an RFC 3339 enqueued time, or a duration ago ({@code 6h}).
 * Without it the processor starts at latest and silently skips the backlog of a first run.
 */
final class StartPosition {
    private StartPosition() {}

    static EventPosition parse(String option, String value, Clock clock) {
        String v = value == null ? "" : value.trim();
        if (v.equalsIgnoreCase("earliest")) {
            return EventPosition.earliest();
        }
        if (v.equalsIgnoreCase("latest")) {
            return EventPosition.latest();
        }
        try {
            return EventPosition.fromEnqueuedTime(OffsetDateTime.parse(v).toInstant());
        } catch (DateTimeParseException notTime) {
            try {
                return EventPosition.fromEnqueuedTime(clock.instant().minus(Durations.parse(v)));
            } catch (RuntimeException notDuration) {
                throw new ConfigException(option, "'" + v + "' is not earliest, latest, an RFC 3339 time or a duration ago (6h)");
            }
        }
    }
}
