package io.auditbridge.core;

import java.time.Duration;

/**
 * The ways a delivery attempt ends. A batch made of parts ends as the worst of them.
 *
 * <p>Only {@link Rejected} says something about the events themselves; it is the only answer that may end in a
 * dead letter. {@link Retry} (the sink is down or busy) and {@link Unusable} (the sink is misconfigured: a wrong
 * URL, token or redirect) are outages: the same events are sent again, never split, never dead-lettered for it.
 */
public sealed interface DeliveryResult {
    /** The receiver took every event of the batch. */
    record Delivered() implements DeliveryResult {}

    /**
     * Transient: try the same batch again later (IO errors, 408, 429, 5xx); {@code retryAfter} is the wait the
     * receiver asked for, or null; {@code status} a short bounded label for metrics ("503", "io", "timeout").
     */
    record Retry(String reason, Duration retryAfter, String status) implements DeliveryResult {
        public Retry(String reason, Duration retryAfter) {
            this(reason, retryAfter, "error");
        }
    }

    /** The receiver refuses this content (400, 413, 422); {@code reason} is kept with the dead-lettered events. */
    record Rejected(String reason, String status) implements DeliveryResult {
        public Rejected(String reason) {
            this(reason, "rejected");
        }
    }

    /**
     * The sink is misconfigured or unusable and its answer says nothing about these events (3xx, 401, 403, 404,
     * 405, 407, 411, 415 and every other status that is not about content): retried without limit, the position
     * held, {@code /readyz} false until it answers again.
     */
    record Unusable(String reason, String status) implements DeliveryResult {}

    DeliveryResult DELIVERED = new Delivered();

    static DeliveryResult retry(String reason) {
        return new Retry(reason, null);
    }

    static DeliveryResult rejected(String reason) {
        return new Rejected(reason);
    }
}
