package io.auditbridge.core.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the last {@code capacity} keys seen ((auditID, stage) for Events; provider ids for sources that
 * re-read overlapping windows) and says whether a key was seen before. Oldest keys are forgotten first.
 * Thread-safe.
 */
final class DedupeWindow {
    private final int capacity;
    private final LinkedHashMap<String, Boolean> seen;

    DedupeWindow(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("dedupe window must be >= 0: " + capacity);
        }
        this.capacity = capacity;
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > DedupeWindow.this.capacity;
            }
        };
    }

    /** Records {@code key}; true when it was new (keep the item), false for a duplicate. Null keys are always new. */
    synchronized boolean firstTime(String key) {
        if (key == null || capacity == 0) {
            return true;
        }
        return seen.put(key, Boolean.TRUE) == null;
    }

    /** Whether {@code key} is remembered, without recording it. */
    synchronized boolean contains(String key) {
        return key != null && capacity > 0 && seen.containsKey(key);
    }

    /** Forgets {@code key}, so a later copy is delivered (used when the first copy's delivery failed). */
    synchronized void forget(String key) {
        if (key != null) {
            seen.remove(key);
        }
    }

    /** Whether dedupe is on (a capacity above 0). */
    boolean enabled() {
        return capacity > 0;
    }

    synchronized int size() {
        return seen.size();
    }
}
