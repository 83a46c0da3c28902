package io.auditbridge.core.pipeline;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which source positions are safe to commit: per partition, the position of the last record of the longest
 * run of finished records from the head of that partition's queue (Kafka Connect's SubmittedRecords).
 * One unfinished record holds back its own partition only; a failed record holds it back until restart.
 *
 * <p>Thread-safe: records are registered by submitting threads and finished by the delivery thread.
 */
final class AckLedger {
    private final Map<String, ArrayDeque<Entry>> queues = new HashMap<>();
    private final Map<String, String> committable = new LinkedHashMap<>();
    private final Runnable onChange;

    AckLedger(Runnable onChange) {
        this.onChange = onChange;
    }

    /** One submitted record: done once each of its {@code events} was acknowledged (or dead-lettered). */
    final class Entry {
        private final String partition;
        private final String position;
        private final Object owner;
        private int pending;
        private boolean failed;

        private Entry(String partition, String position, int events, Object owner) {
            this.partition = partition;
            this.position = position;
            this.pending = events;
            this.owner = owner;
        }

        Object owner() {
            return owner;
        }

        /** One of this record's events is done; true when that finished the record. */
        boolean ack() {
            synchronized (AckLedger.this) {
                if (pending <= 0) {
                    throw new IllegalStateException("record at " + partition + "/" + position + " acked more often than it has events");
                }
                pending--;
                return pending == 0 && !failed;
            }
        }

        /** One of this record's events can never be delivered; the partition will not commit past it. */
        void fail() {
            synchronized (AckLedger.this) {
                failed = true;
                if (pending > 0) {
                    pending--;
                }
            }
        }

        boolean isDone() {
            synchronized (AckLedger.this) {
                return pending == 0 && !failed;
            }
        }

        boolean isFailed() {
            synchronized (AckLedger.this) {
                return failed;
            }
        }
    }

    /**
     * Starts from the positions committed by an earlier run, so partitions that do not move in this run are
     * still part of every map {@link #committable()} returns (a complete-map store would otherwise drop them).
     */
    synchronized void seed(Map<String, String> committed) {
        committed.forEach(committable::putIfAbsent);
    }

    /** Registers a record in submission order. A record with zero events is done at once (filtered, deduped). */
    synchronized Entry register(String partition, String position, int events, Object owner) {
        Entry e = new Entry(partition, position, events, owner);
        if (position != null) {
            queues.computeIfAbsent(partition, p -> new ArrayDeque<>()).addLast(e);
        }
        return e;
    }

    /**
     * Advances every partition past its finished head records and returns partition → last finished position
     * (the complete map, including partitions that did not move).
     */
    synchronized Map<String, String> committable() {
        boolean changed = false;
        for (var q : queues.entrySet()) {
            ArrayDeque<Entry> deque = q.getValue();
            while (!deque.isEmpty() && deque.peekFirst().pending == 0 && !deque.peekFirst().failed) {
                committable.put(q.getKey(), deque.pollFirst().position);
                changed = true;
            }
        }
        if (changed && onChange != null) {
            onChange.run();
        }
        return Map.copyOf(committable);
    }

    /**
     * A partition whose head record failed (it can never be committed past in this process), as
     * "partition at position", or null. For {@code /readyz}.
     */
    synchronized String blockedPartition() {
        for (var q : queues.entrySet()) {
            Entry head = q.getValue().peekFirst();
            if (head != null && head.failed) {
                return q.getKey() + " at " + head.position;
            }
        }
        return null;
    }

    /**
     * What can be committed now and why the rest lags (Kafka Connect's CommittableOffsets): the positions, the
     * records not yet finished, and the partition with the most of them.
     */
    record Committable(Map<String, String> positions, int pendingRecords, String mostBackloggedPartition,
                              int mostBackloggedPending) {}

    /** Advances as {@link #committable()} does and says what still holds each partition back. */
    synchronized Committable snapshot() {
        Map<String, String> positions = committable();
        int pending = 0;
        String worst = null;
        int worstPending = 0;
        for (var q : queues.entrySet()) {
            int n = q.getValue().size();
            pending += n;
            if (n > worstPending) {
                worst = q.getKey();
                worstPending = n;
            }
        }
        return new Committable(positions, pending, worst, worstPending);
    }

    /** Records registered but not finished, over all partitions. */
    synchronized int pendingRecords() {
        int n = 0;
        for (ArrayDeque<Entry> q : queues.values()) {
            for (Entry e : q) {
                if (e.pending > 0 || e.failed) {
                    n++;
                }
            }
        }
        return n;
    }
}
