package io.auditbridge.detector.correlation;

/**
 * What the engine keeps of one event that matched a correlation's base events: enough to order, dedupe, group and
 * report it, never the event itself.
 *
 * @param rule   the correlation's index in the engine
 * @param group  the group's field values as printed, joined; see {@link CorrelationEngine}
 * @param value  the counted field's value (value_count), else null
 * @param steps  bit i set when the event matched step i
 */
record Match(int rule, long nanos, String auditId, String stage, String group, String[] groupValues, String value,
             long steps) implements Comparable<Match> {
    /**
     * Event-time order, ties broken by what the event is (auditID, stage, correlation), never by arrival: the order
     * groups see is the same however the events arrived. Written out rather than chained comparators: the reorder
     * buffer compares on every event.
     */
    @Override
    public int compareTo(Match o) {
        int c = Long.compare(nanos, o.nanos);
        if (c != 0) {
            return c;
        }
        c = compareNullsFirst(auditId, o.auditId);
        if (c != 0) {
            return c;
        }
        c = compareNullsFirst(stage, o.stage);
        return c != 0 ? c : Integer.compare(rule, o.rule);
    }

    private static int compareNullsFirst(String a, String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return a.compareTo(b);
    }
}
