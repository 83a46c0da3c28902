package io.auditbridge.core.pipeline;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a flood of identical problems (one bad resource name shape, a truncating source) from flooding the
 * log: per key, at most {@code perMinute} lines a minute; the rest are only counted (the metrics still see
 * every one) and the next line that gets through says how many were suppressed.
 */
final class LogLimiter {
    private final int perMinute;
    private final Clock clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    LogLimiter(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** -1 when this occurrence must not be logged; otherwise how many were suppressed before it. */
    long admit(String key) {
        long minute = clock.millis() / 60_000;
        Window w = windows.computeIfAbsent(key, k -> new Window());
        synchronized (w) {
            if (w.minute != minute) {
                w.minute = minute;
                w.logged = 0;
            }
            if (w.logged >= perMinute) {
                w.suppressed++;
                return -1;
            }
            w.logged++;
            long s = w.suppressed;
            w.suppressed = 0;
            return s;
        }
    }

    private static final class Window {
        long minute = Long.MIN_VALUE;
        int logged;
        long suppressed;
    }
}
