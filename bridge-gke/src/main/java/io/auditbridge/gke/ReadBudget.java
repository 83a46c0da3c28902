package io.auditbridge.gke;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * At most N {@code entries.list} requests in any sliding minute. Cloud Logging's read quota is per project
 * (60 or 120 a minute) and shared by every reader of that project, so the bridge stays under its share on
 * its own instead of learning the limit from RESOURCE_EXHAUSTED.
 */
final class ReadBudget {
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private final int perMinute;
    private final Clock clock;
    private final ArrayDeque<Instant> recent = new ArrayDeque<>();

    ReadBudget(int perMinute, Clock clock) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("reads per minute must be >= 1: " + perMinute);
        }
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** Takes one request from the budget; false when the last minute already used all of it. */
    boolean tryAcquire() {
        Instant now = clock.instant();
        while (!recent.isEmpty() && !recent.peekFirst().plus(WINDOW).isAfter(now)) {
            recent.pollFirst();
        }
        if (recent.size() >= perMinute) {
            return false;
        }
        recent.addLast(now);
        return true;
    }
}
