package io.auditbridge.core.pipeline;

import io.auditbridge.core.EventWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Groups pending events into batches by count, bytes and age. Pure bookkeeping on times passed in, so the
 * boundaries are tested without clocks or threads. Not thread-safe: the DeliveryQueue guards it.
 */
final class Batcher {
    private final BatchLimits limits;
    private final ArrayDeque<PendingEvent> buffer = new ArrayDeque<>();
    private final ArrayDeque<Long> addedAt = new ArrayDeque<>();
    private long bodyBytes = EventWriter.LIST_OVERHEAD;

    Batcher(BatchLimits limits) {
        this.limits = limits;
    }

    void add(PendingEvent e, long nowMillis) {
        buffer.addLast(e);
        addedAt.addLast(nowMillis);
        bodyBytes += e.size() + 1;
    }

    boolean isEmpty() {
        return buffer.isEmpty();
    }

    int size() {
        return buffer.size();
    }

    /** A batch is due: full by count or bytes, or its oldest event reached the age limit. */
    boolean isDue(long nowMillis) {
        return !buffer.isEmpty() && (isFull() || millisUntilDue(nowMillis) == 0);
    }

    boolean isFull() {
        return buffer.size() >= limits.maxEvents() || bodyBytes >= limits.maxBytes();
    }

    /** Milliseconds until the oldest event reaches the age limit; Long.MAX_VALUE when empty. */
    long millisUntilDue(long nowMillis) {
        if (buffer.isEmpty()) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, addedAt.peekFirst() + limits.maxAge().toMillis() - nowMillis);
    }

    /**
     * Removes and returns the next batch: the longest prefix within the count and byte limits, always at least
     * one event.
     */
    List<PendingEvent> take() {
        List<PendingEvent> batch = new ArrayList<>(Math.min(buffer.size(), limits.maxEvents()));
        long bytes = EventWriter.LIST_OVERHEAD;
        while (!buffer.isEmpty() && batch.size() < limits.maxEvents()) {
            PendingEvent next = buffer.peekFirst();
            if (!batch.isEmpty() && bytes + next.size() + 1 > limits.maxBytes()) {
                break;
            }
            buffer.pollFirst();
            addedAt.pollFirst();
            bytes += next.size() + 1;
            bodyBytes -= next.size() + 1;
            batch.add(next);
        }
        return batch;
    }

    /** Removes everything buffered (shutdown). */
    List<PendingEvent> drainAll() {
        List<PendingEvent> all = new ArrayList<>(buffer);
        buffer.clear();
        addedAt.clear();
        bodyBytes = EventWriter.LIST_OVERHEAD;
        return all;
    }
}
