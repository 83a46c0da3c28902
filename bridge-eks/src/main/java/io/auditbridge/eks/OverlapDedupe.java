package io.auditbridge.eks;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The CloudWatch eventIds already handed on whose timestamps fall in the part of the timeline the next
 * window re-reads (the overlap). Re-reading is how events ingested late, behind the cursor, are caught; this
 * keeps the events read the first time from going out twice. eventId, not timestamp, is the identity: several
 * events share a millisecond. Used by one thread.
 */
final class OverlapDedupe {
    private final Map<String, Long> seen = new HashMap<>();

    /** True the first time {@code eventId} is offered. */
    boolean firstTime(String eventId, long timestamp) {
        return seen.putIfAbsent(eventId, timestamp) == null;
    }

    /**
     * True when {@code eventId} was not seen before; remembers it only when {@code timestamp >= keepFrom}, the
     * start of the next window's overlap: an id older than that is never read again (pages of one window do not
     * repeat), so a 24 h backfill keeps the ids of its last overlap, not of its whole range.
     */
    boolean firstTime(String eventId, long timestamp, long keepFrom) {
        if (seen.containsKey(eventId)) {
            return false;
        }
        if (timestamp >= keepFrom) {
            seen.put(eventId, timestamp);
        }
        return true;
    }

    /** Forgets ids of events older than {@code timestamp}: no later window reaches back that far. */
    void forgetBefore(long timestamp) {
        for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
            if (it.next() < timestamp) {
                it.remove();
            }
        }
    }

    int size() {
        return seen.size();
    }
}
