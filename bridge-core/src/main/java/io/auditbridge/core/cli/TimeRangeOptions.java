package io.auditbridge.core.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Option;

/** {@code --since} / {@code --until} for {@code backfill}: RFC 3339 times, or durations ago ({@code 2h}). */
@HelpGroup(HelpGroup.Section.SOURCE)
public final class TimeRangeOptions {
    @Option(names = "--since", required = true, paramLabel = "TIME",
            description = "Start (inclusive): RFC 3339 (2026-11-01T00:00:00Z) or a duration ago (6h, 2d).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", defaultValue = "0s",
            description = "End (exclusive): RFC 3339 or a duration ago (default: now).")
    String until;

    public Instant since(Clock clock) {
        return parse("--since", since, clock);
    }

    public Instant until(Clock clock) {
        Instant end = parse("--until", until, clock);
        if (!end.isAfter(since(clock))) {
            throw new ConfigException("--until", "must be after --since");
        }
        return end;
    }

    static Instant parse(String option, String value, Clock clock) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notTime) {
            try {
                Duration ago = Durations.parse(value);
                return clock.instant().minus(ago);
            } catch (RuntimeException notDuration) {
                throw new ConfigException(option, "'" + value + "' is neither an RFC 3339 time nor a duration ago");
            }
        }
    }
}
