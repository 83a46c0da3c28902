package io.auditbridge.core.cli;

import io.auditbridge.core.pipeline.BatchLimits;
import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.io.FileChannels;
import io.auditbridge.core.sink.DeadLetterFile;
import io.auditbridge.core.sink.DeadLetterLog;
import io.auditbridge.core.sink.DeadLetters;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Batching, back-pressure, dedupe, retry and dead-letter settings shared by every command that delivers. */
@HelpGroup(HelpGroup.Section.DELIVERY)
public final class PipelineOptions {
    @Option(names = "--batch-max-events", paramLabel = "N", defaultValue = "500",
            description = "Send a batch at this many events (default ${DEFAULT-VALUE}).")
    int batchMaxEvents;

    @Option(names = "--batch-max-bytes", paramLabel = "SIZE", defaultValue = "10MiB", converter = Sizes.class,
            description = "Send a batch at this EventList size (default ${DEFAULT-VALUE}; at most 12MiB, Falco's limit).")
    long batchMaxBytes;

    @Option(names = "--batch-max-age", paramLabel = "DURATION", defaultValue = "1s", converter = Durations.class,
            description = "Send a batch when its oldest event is this old (default ${DEFAULT-VALUE}).")
    Duration batchMaxAge;

    @Option(names = "--max-event-bytes", paramLabel = "SIZE", defaultValue = "256KiB", converter = Sizes.class,
            description = "Larger events go to the dead-letter file, not the webhook (default ${DEFAULT-VALUE}).")
    long maxEventBytes;

    @Option(names = "--max-in-flight-events", paramLabel = "N", defaultValue = "10000",
            description = "Events fetched but not yet acknowledged before fetching pauses (default ${DEFAULT-VALUE}).")
    int maxInFlightEvents;

    @Option(names = "--max-in-flight-bytes", paramLabel = "SIZE", defaultValue = "64MiB", converter = Sizes.class,
            description = "Bytes fetched but not yet acknowledged before fetching pauses (default ${DEFAULT-VALUE}).")
    long maxInFlightBytes;

    @Option(names = "--dedupe-window", paramLabel = "N", defaultValue = "100000",
            description = "How many (auditID, stage) keys to remember for dedupe; 0 turns it off (default ${DEFAULT-VALUE}).")
    int dedupeWindow;

    @Option(names = "--retry-initial-backoff", paramLabel = "DURATION", defaultValue = "500ms", converter = Durations.class,
            description = "First retry wait ceiling; doubles per attempt, with full jitter (default ${DEFAULT-VALUE}).")
    Duration retryInitial;

    @Option(names = "--retry-max-backoff", paramLabel = "DURATION", defaultValue = "30s", converter = Durations.class,
            description = "Longest wait between retries (default ${DEFAULT-VALUE}).")
    Duration retryMax;

    @Option(names = "--max-retry-duration", paramLabel = "DURATION", converter = Durations.class,
            description = "Give up on a batch after retrying this long and dead-letter it; default: never give up.")
    Duration maxRetryDuration;

    @Option(names = "--dead-letter-file", paramLabel = "FILE", defaultValue = "auditbridge-dead-letter.ndjson",
            description = "NDJSON file for what can never be delivered (default ${DEFAULT-VALUE}).")
    Path deadLetterFile;

    @Option(names = "--dead-letter-log",
            description = "Write dead letters as structured JSON lines on stderr (logger auditbridge.deadletter) "
                    + "instead of the file, so the cluster's log pipeline keeps them (Deployments default to it). "
                    + "Env: AUDITBRIDGE_DEAD_LETTER_LOG.")
    boolean deadLetterLog;

    @Option(names = "--dead-letter-max-bytes", paramLabel = "SIZE", defaultValue = "1GiB", converter = Sizes.class,
            description = "Rotate the dead-letter file at this size (default ${DEFAULT-VALUE}). Env: AUDITBRIDGE_DEAD_LETTER_MAX_BYTES.")
    long deadLetterMaxBytes;

    @Option(names = "--dead-letter-max-files", paramLabel = "N", defaultValue = "4",
            description = "Rotated dead-letter files kept (NAME.1 … NAME.N); when all are there the file is full and "
                    + "the bridge stops accepting (back-pressure, 503) until they are moved away (default ${DEFAULT-VALUE}). "
                    + "Env: AUDITBRIDGE_DEAD_LETTER_MAX_FILES.")
    int deadLetterMaxFiles;

    @Option(names = "--shutdown-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
            description = "On SIGTERM or Ctrl-C, how long to wait for in-flight events to be acknowledged before "
                    + "committing what was and exiting (default ${DEFAULT-VALUE}). Env: AUDITBRIDGE_SHUTDOWN_TIMEOUT.")
    Duration shutdownTimeout;

    public Path deadLetterFile() {
        return deadLetterFile;
    }

    /** The in-flight bound in events (push sources size their own flow control to it). */
    public int maxInFlightEvents() {
        return maxInFlightEvents;
    }

    /** {@code --max-retry-duration}, or null when not given. */
    public Duration maxRetryDuration() {
        return maxRetryDuration;
    }

    /** Whether dead letters go to stderr as JSON lines rather than to the file. */
    public boolean deadLetterLog() {
        return deadLetterLog;
    }

    /** Where dead letters go: the capped, rotated file, or structured log lines with {@code --dead-letter-log}. */
    public DeadLetters deadLetters(Clock clock) {
        if (deadLetterLog) {
            return new DeadLetterLog(System.err, clock);
        }
        if (deadLetterMaxBytes < 1) {
            throw new ConfigException("--dead-letter-max-bytes", "must be >= 1: " + deadLetterMaxBytes);
        }
        if (deadLetterMaxFiles < 0) {
            throw new ConfigException("--dead-letter-max-files", "must be >= 0: " + deadLetterMaxFiles);
        }
        return new DeadLetterFile(deadLetterFile, clock, FileChannels.DEFAULT, deadLetterMaxBytes, deadLetterMaxFiles);
    }

    /** Applies these settings; a bad value throws ConfigException naming its option. */
    public <T> Pipeline.Builder<T> applyTo(Pipeline.Builder<T> b) {
        return applyTo(b, maxRetryDuration);
    }

    /**
     * Applies these settings with {@code retryDuration} as the retry budget (a push entry point's, from its
     * {@link io.auditbridge.core.push.PushBudget}); a bad value throws ConfigException naming its option.
     */
    public <T> Pipeline.Builder<T> applyTo(Pipeline.Builder<T> b, Duration retryDuration) {
        try {
            b.batchLimits(new BatchLimits(batchMaxEvents, batchMaxBytes, batchMaxAge, Math.toIntExact(Math.min(maxEventBytes, Integer.MAX_VALUE))));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(optionFor(e.getMessage()), e.getMessage());
        }
        if (maxInFlightEvents < 1) {
            throw new ConfigException("--max-in-flight-events", "must be >= 1: " + maxInFlightEvents);
        }
        if (maxInFlightBytes < maxEventBytes) {
            throw new ConfigException("--max-in-flight-bytes", "must be >= --max-event-bytes (" + maxEventBytes + "): " + maxInFlightBytes);
        }
        if (dedupeWindow < 0) {
            throw new ConfigException("--dedupe-window", "must be >= 0: " + dedupeWindow);
        }
        b.maxInFlight(maxInFlightEvents, maxInFlightBytes).dedupeWindow(dedupeWindow);
        if (shutdownTimeout != null) {
            b.shutdownTimeout(shutdownTimeout);
        }
        try {
            b.retry(RetryPolicy.builder().initialDelay(retryInitial).maxDelay(retryMax).maxRetryDuration(retryDuration).build());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--retry-max-backoff", e.getMessage());
        }
        return b;
    }

    private static String optionFor(String message) {
        if (message.startsWith("batch max events")) {
            return "--batch-max-events";
        }
        if (message.startsWith("batch max bytes")) {
            return "--batch-max-bytes";
        }
        if (message.startsWith("batch max age")) {
            return "--batch-max-age";
        }
        return "--max-event-bytes";
    }

    /** The in-flight byte bound (--max-in-flight-bytes); receivers bound request memory the same. */
    public long maxInFlightBytes() {
        return maxInFlightBytes;
    }
}
