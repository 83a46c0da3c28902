package io.auditbridge.core.poll;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;

/**
 * The entries a poller already handed on whose timestamps fall in the part of the timeline its next window
 * re-reads (the overlap). Re-reading is how entries ingested late, behind the cursor, are caught; this keeps the
 * ones read the first time from going out twice. An entry is known by (timestamp, id): the provider's id alone
 * may repeat (a GKE exec's first and last entries share an insertId), and several entries share a timestamp.
 *
 * <p>Bounded by the entries of one overlap as long as the caller calls {@link #forgetBefore} whenever its cursor
 * moves (older entries cannot come again). Used by one thread, the poller's.
 */
public final class OverlapDedupe {
    private final TreeMap<Instant, Set<String>> seen = new TreeMap<>();
    private int size;

    /** True the first time (timestamp, id) is offered; false for an entry read again. */
    public boolean firstTime(Instant timestamp, String id) {
        boolean added = seen.computeIfAbsent(timestamp, k -> new HashSet<>()).add(id);
        if (added) {
            size++;
        }
        return added;
    }

    /** As {@link #firstTime(Instant, String)} with a timestamp in epoch milliseconds. */
    public boolean firstTime(long epochMillis, String id) {
        return firstTime(Instant.ofEpochMilli(epochMillis), id);
    }

    /**
     * True when (timestamp, id) was not seen before; remembers it only when {@code timestamp >= keepFromMillis}, the
     * start of the next window's overlap: an entry older than that is never read again (pages of one window do not
     * repeat), so a 24 h backfill keeps the ids of its last overlap, not of its whole range.
     */
    public boolean firstTime(long epochMillis, String id, long keepFromMillis) {
        Instant ts = Instant.ofEpochMilli(epochMillis);
        Set<String> ids = seen.get(ts);
        if (ids != null && ids.contains(id)) {
            return false;
        }
        if (epochMillis >= keepFromMillis) {
            firstTime(ts, id);
        }
        return true;
    }

    /** Forgets entries older than {@code timestamp}: no later window reaches back that far. */
    public void forgetBefore(Instant timestamp) {
        var older = seen.headMap(timestamp);
        for (Set<String> ids : older.values()) {
            size -= ids.size();
        }
        older.clear();
    }

    public void forgetBefore(long epochMillis) {
        forgetBefore(Instant.ofEpochMilli(epochMillis));
    }

    /** How many entries are remembered. */
    public int size() {
        return size;
    }
}
