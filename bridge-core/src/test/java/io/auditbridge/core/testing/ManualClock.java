package io.auditbridge.core.testing;

import io.auditbridge.core.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock whose time moves only when a test says so; shared by every module's tests (bridge-core test jar). */
public final class ManualClock extends Clock {
    private final AtomicReference<Instant> now;

    public ManualClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    public ManualClock(long epochMillis) {
        this(Instant.ofEpochMilli(epochMillis));
    }

    public void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    /** A sleeper that advances this clock by each wait instead of waiting, so retries and budgets take no real time. */
    public Sleeper advancingSleeper() {
        return d -> {
            advance(d);
            return true;
        };
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
