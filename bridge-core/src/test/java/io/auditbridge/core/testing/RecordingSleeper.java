package io.auditbridge.core.testing;

import io.auditbridge.core.retry.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A Sleeper that records every wait and advances a {@link ManualClock} instead of sleeping. */
public final class RecordingSleeper implements Sleeper {
    private final List<Duration> waits = new ArrayList<>();
    private final ManualClock clock;

    public RecordingSleeper(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized boolean sleep(Duration d) {
        waits.add(d);
        if (clock != null) {
            clock.advance(d);
        }
        return true;
    }

    public synchronized List<Duration> waits() {
        return List.copyOf(waits);
    }

    /** A clock whose time moves only when told. */
    public static final class ManualClock extends java.time.Clock {
        private final AtomicLong millis;

        public ManualClock(long startMillis) {
            this.millis = new AtomicLong(startMillis);
        }

        public void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(millis.get());
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
