package io.auditbridge.core.poll;

import io.auditbridge.core.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * At most {@code permits} requests in any sliding window of {@code per}, for the pollers whose provider read
 * quota is shared by every reader of an account or project (CloudWatch Logs FilterLogEvents: 5 a second per
 * account and region; Cloud Logging entries.list: 60 a minute per project). The bridge stays under its share on
 * its own instead of learning the limit from throttling errors. {@link #tryAcquire()} never waits (the poll
 * returns what it has); {@link #acquire()} waits on the sleeper, which a stopping bridge cuts short.
 * Used by one thread, the poller's.
 */
public final class RequestRateLimiter {
    private final int permits;
    private final Duration per;
    private final Clock clock;
    private final Sleeper sleeper;
    private final ArrayDeque<Long> recent = new ArrayDeque<>();

    public RequestRateLimiter(int permits, Duration per, Clock clock, Sleeper sleeper) {
        if (permits < 1) {
            throw new IllegalArgumentException("requests per window must be >= 1: " + permits);
        }
        if (per == null || per.isNegative() || per.isZero()) {
            throw new IllegalArgumentException("window must be > 0: " + per);
        }
        this.permits = permits;
        this.per = per;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** {@code perSecond} requests a second, spaced evenly (one per {@code 1/perSecond} s; fractions allowed). */
    public static RequestRateLimiter perSecond(double perSecond, Clock clock, Sleeper sleeper) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("requests per second must be > 0: " + perSecond);
        }
        return new RequestRateLimiter(1, Duration.ofMillis((long) Math.ceil(1000.0 / perSecond)), clock, sleeper);
    }

    /** Takes one request; false when the window is already full (nothing waits). */
    public boolean tryAcquire() {
        long now = clock.millis();
        expire(now);
        if (recent.size() >= permits) {
            return false;
        }
        recent.addLast(now);
        return true;
    }

    /** Waits for a request slot and takes it; false when the wait was cut short because the bridge is stopping. */
    public boolean acquire() throws InterruptedException {
        while (!tryAcquire()) {
            long wait = recent.peekFirst() + per.toMillis() - clock.millis();
            if (!sleeper.sleep(Duration.ofMillis(Math.max(1, wait)))) {
                return false;
            }
        }
        return true;
    }

    private void expire(long now) {
        while (!recent.isEmpty() && recent.peekFirst() + per.toMillis() <= now) {
            recent.pollFirst();
        }
    }
}
