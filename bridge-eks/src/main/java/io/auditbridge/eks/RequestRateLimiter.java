package io.auditbridge.eks;

import io.auditbridge.core.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;

/**
 * Spaces requests at most {@code perSecond} apart. FilterLogEvents has a 5 requests/second quota shared by
 * every caller in the account and region (consoles, SIEM pollers, other bridges), so the bridge stays well
 * below it on its own rather than finding the limit through ThrottlingException. Used by one thread.
 */
final class RequestRateLimiter {
    /** CloudWatch Logs' FilterLogEvents quota per account and region. */
    static final double ACCOUNT_QUOTA = 5.0;

    private final long intervalMillis;
    private final Clock clock;
    private final Sleeper sleeper;
    private long nextAllowed = Long.MIN_VALUE;

    RequestRateLimiter(double perSecond, Clock clock, Sleeper sleeper) {
        if (!(perSecond > 0) || perSecond > ACCOUNT_QUOTA) {
            throw new IllegalArgumentException("requests per second must be > 0 and <= " + ACCOUNT_QUOTA
                    + " (the shared FilterLogEvents quota): " + perSecond);
        }
        this.intervalMillis = (long) Math.ceil(1000.0 / perSecond);
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Waits for the next request slot; false when the wait was cut short because the bridge is stopping. */
    boolean acquire() throws InterruptedException {
        long now = clock.millis();
        if (nextAllowed != Long.MIN_VALUE && now < nextAllowed) {
            if (!sleeper.sleep(Duration.ofMillis(nextAllowed - now))) {
                return false;
            }
            now = clock.millis();
        }
        nextAllowed = Math.max(now, nextAllowed == Long.MIN_VALUE ? now : nextAllowed) + intervalMillis;
        return true;
    }
}
