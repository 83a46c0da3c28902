package io.auditbridge.core.testing;

import io.auditbridge.core.retry.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
}
