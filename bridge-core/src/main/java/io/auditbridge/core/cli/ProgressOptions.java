package io.auditbridge.core.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --progress} for long one-shot commands (backfill, translate, evaluate). */
@HelpGroup(HelpGroup.Section.OPERATIONS)
public final class ProgressOptions {
    public enum Mode { AUTO, ALWAYS, NEVER }

    @Option(names = "--progress", paramLabel = "auto|always|never", defaultValue = "auto",
            description = "Progress lines on stderr (events, rate, position reached); auto = when stderr is a terminal.")
    Mode mode = Mode.AUTO;

    @Option(names = "--progress-interval", paramLabel = "DURATION", defaultValue = "2s", converter = Durations.class,
            hidden = true, description = "Time between progress lines (default ${DEFAULT-VALUE}).")
    Duration interval = Duration.ofSeconds(2);

    /** Whether progress is shown: forced either way, else when stderr is a terminal. */
    public boolean enabled() {
        return switch (mode) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> Terminal.stderrIsTerminal();
        };
    }

    public Duration interval() {
        if (interval.isNegative() || interval.isZero()) {
            throw new ConfigException("--progress-interval", "must be > 0");
        }
        return interval;
    }
}
