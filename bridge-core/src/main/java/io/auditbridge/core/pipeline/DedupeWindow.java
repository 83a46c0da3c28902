package io.auditbridge.core.pipeline;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Remembers the last {@code capacity} keys seen ((auditID, stage) for Events; provider ids for sources that
 * re-read overlapping windows) and says whether a key was seen before. Oldest keys are forgotten first; a key
 * forgotten and seen again counts as new (it is then the newest). Thread-safe.
 *
 * <p>Every submitting thread asks {@link #contains} once per event and every delivery thread records each
 * acknowledged event: behind one monitor they queued on each other (a receiver's request threads and the delivery
 * threads, per event). So the keys live in a {@link ConcurrentHashMap}, read without a lock (a key already seen is
 * also answered without one), and only recording and forgetting take a lock, to keep the age order. The order is a
 * queue of slots; forgetting a key only removes it from the map, leaving its slot stale, and stale slots are
 * skipped when the oldest is evicted and swept out once they outnumber the live ones.
 */
final class DedupeWindow {
    /** One recording of a key: the map holds the current one, so a stale slot in the queue is told by identity. */
    private static final class Slot {
        final String key;

        Slot(String key) {
            this.key = key;
        }
    }

    private final int capacity;
    private final ConcurrentHashMap<String, Slot> seen;
    /** Guards {@link #order}, {@link #live} and every change of {@link #seen}. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Slots oldest first, some stale (their key was forgotten or recorded again since). */
    private final ArrayDeque<Slot> order = new ArrayDeque<>();
    private int live;

    DedupeWindow(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("dedupe window must be >= 0: " + capacity);
        }
        this.capacity = capacity;
        this.seen = new ConcurrentHashMap<>(Math.min(capacity, 1 << 16));
    }

    /** Records {@code key}; true when it was new (keep the item), false for a duplicate. Null keys are always new. */
    boolean firstTime(String key) {
        if (key == null || capacity == 0) {
            return true;
        }
        if (seen.containsKey(key)) {
            return false;
        }
        lock.lock();
        try {
            Slot slot = new Slot(key);
            if (seen.putIfAbsent(key, slot) != null) {
                return false;
            }
            order.addLast(slot);
            if (++live > capacity) {
                evictOldest();
            }
            if (order.size() - live > Math.max(live, 1024)) {
                order.removeIf(s -> seen.get(s.key) != s);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void evictOldest() {
        Slot s;
        while ((s = order.pollFirst()) != null) {
            if (seen.remove(s.key, s)) {
                live--;
                return;
            }
        }
    }

    /** Whether {@code key} is remembered, without recording it. */
    boolean contains(String key) {
        return key != null && capacity > 0 && seen.containsKey(key);
    }

    /** Forgets {@code key}, so a later copy is delivered (used when the first copy's delivery failed). */
    void forget(String key) {
        if (key == null || capacity == 0) {
            return;
        }
        lock.lock();
        try {
            if (seen.remove(key) != null) {
                live--;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether dedupe is on (a capacity above 0). */
    boolean enabled() {
        return capacity > 0;
    }

    int size() {
        lock.lock();
        try {
            return live;
        } finally {
            lock.unlock();
        }
    }
}
