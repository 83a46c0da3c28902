package io.auditbridge.core.pipeline;

import java.time.Duration;

/**
 * When a batch is sent: at {@code maxEvents} events, at {@code maxBytes} of EventList body, or when its oldest
 * event is {@code maxAge} old. Events over {@code maxEventBytes} never go to the webhook (dead-lettered).
 */
public record BatchLimits(int maxEvents, long maxBytes, Duration maxAge, int maxEventBytes) {
    /** Falco's webhook refuses bodies over 12 MiB; stay under it whatever the user asks. */
    public static final long HARD_MAX_BYTES = 12L * 1024 * 1024;

    public static final BatchLimits DEFAULTS = new BatchLimits(500, 10L * 1024 * 1024, Duration.ofSeconds(1), 256 * 1024);

    public BatchLimits {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("batch max events must be >= 1: " + maxEvents);
        }
        if (maxBytes < 1024 || maxBytes > HARD_MAX_BYTES) {
            throw new IllegalArgumentException("batch max bytes must be within 1024.." + HARD_MAX_BYTES + ": " + maxBytes);
        }
        if (maxAge == null || maxAge.isNegative()) {
            throw new IllegalArgumentException("batch max age must be >= 0: " + maxAge);
        }
        if (maxEventBytes < 1 || maxEventBytes > maxBytes - 128) {
            throw new IllegalArgumentException("max event bytes must be within 1.." + (maxBytes - 128) + ": " + maxEventBytes);
        }
    }
}
