package io.auditbridge.core;

import java.time.Duration;

/** The three ways a delivery attempt ends. A batch made of parts ends as the worst of them. */
public sealed interface DeliveryResult {
    /** The receiver took every event of the batch. */
    record Delivered() implements DeliveryResult {}

    /** Try the same batch again later; {@code retryAfter} is the wait the receiver asked for, or null. */
    record Retry(String reason, Duration retryAfter) implements DeliveryResult {}

    /** The receiver refuses this content; {@code reason} is kept with the dead-lettered events. */
    record Rejected(String reason) implements DeliveryResult {}

    DeliveryResult DELIVERED = new Delivered();

    static DeliveryResult retry(String reason) {
        return new Retry(reason, null);
    }

    static DeliveryResult rejected(String reason) {
        return new Rejected(reason);
    }
}
