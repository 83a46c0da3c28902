package io.auditbridge.detector.correlation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one group of one correlation remembers between its events. Events reach it in event-time order (the engine
 * reorders them first), so each state only looks back. Its size is bounded by the rule, not by the stream: a rising
 * count keeps at most the threshold's number of members, a closing window a count and at most threshold + 1
 * distinct values, a sequence one timestamp per step.
 */
abstract sealed class GroupState {
    /** Member auditIDs an alert lists at most. */
    static final int MAX_LISTED = 20;

    /** A met condition: what the alert reports. */
    record Fired(long count, List<String> values, long windowStart, long windowEnd, List<String> auditIds,
                 String lastAuditId, String lastStage) {}

    private String[] groupValues;

    /** The group's field values as printed, in group_by order. */
    String[] groupValues() {
        return groupValues;
    }

    /** @return the fired condition, or null; a state that fires starts over */
    abstract Fired accept(Match m);

    /**
     * For windows judged at their end ({@code lte}, {@code lt}, {@code eq}): the end, or Long.MAX_VALUE while no
     * window is open. Others never close on time.
     */
    long windowEnd() {
        return Long.MAX_VALUE;
    }

    /** Closes the open window: the fired condition, or null. */
    Fired close() {
        return null;
    }

    static GroupState of(CorrelationRule rule, String[] groupValues) {
        GroupState s = switch (rule.type()) {
            case EVENT_COUNT -> rule.threshold().rising() ? new SlidingCount(rule) : new ClosingWindow(rule);
            case VALUE_COUNT -> rule.threshold().rising() ? new SlidingDistinct(rule) : new ClosingWindow(rule);
            case TEMPORAL -> new AllSteps(rule);
            case TEMPORAL_ORDERED -> new StepsInOrder(rule);
        };
        s.groupValues = groupValues;
        return s;
    }

    private static List<String> listed(Iterator<String> ids) {
        List<String> out = new ArrayList<>();
        while (ids.hasNext() && out.size() < MAX_LISTED) {
            String id = ids.next();
            if (id != null) {
                out.add(id);
            }
        }
        return out;
    }

    /** gte/gt on events: the last {@code needed} members; fires when they all lie within the timespan. */
    static final class SlidingCount extends GroupState {
        private final long span;
        private final int needed;
        private final ArrayDeque<Match> members = new ArrayDeque<>();

        SlidingCount(CorrelationRule rule) {
            this.span = rule.timespanNanos();
            this.needed = rule.threshold().needed();
        }

        @Override
        Fired accept(Match m) {
            members.addLast(m);
            while (members.getFirst().nanos() < m.nanos() - span || members.size() > needed) {
                members.removeFirst();
            }
            if (members.size() < needed) {
                return null;
            }
            Fired f = new Fired(members.size(), List.of(), members.getFirst().nanos(), m.nanos(),
                    listed(members.stream().map(Match::auditId).iterator()), m.auditId(), m.stage());
            members.clear();
            return f;
        }
    }

    /** gte/gt on distinct values: each value's latest sighting; fires when enough lie within the timespan. */
    static final class SlidingDistinct extends GroupState {
        private final long span;
        private final int needed;
        private final LinkedHashMap<String, Match> latest = new LinkedHashMap<>();

        SlidingDistinct(CorrelationRule rule) {
            this.span = rule.timespanNanos();
            this.needed = rule.threshold().needed();
        }

        @Override
        Fired accept(Match m) {
            latest.remove(m.value()); // re-inserted last: the map stays in time order
            latest.put(m.value(), m);
            Iterator<Match> oldest = latest.values().iterator();
            while (oldest.hasNext()) {
                if (oldest.next().nanos() >= m.nanos() - span) {
                    break;
                }
                oldest.remove();
            }
            if (latest.size() < needed) {
                return null;
            }
            long start = latest.values().iterator().next().nanos();
            Fired f = new Fired(latest.size(), listed(latest.keySet().iterator()), start, m.nanos(),
                    listed(latest.values().stream().map(Match::auditId).iterator()), m.auditId(), m.stage());
            latest.clear();
            return f;
        }
    }

    /**
     * lte/lt/eq: a window opens at a group's first event and is judged once it is over, when a later event or
     * the engine's watermark passes its end. Distinct values are kept only up to one past the threshold.
     */
    static final class ClosingWindow extends GroupState {
        private final long span;
        private final boolean distinct;
        private final Threshold threshold;
        private long start = Long.MIN_VALUE;
        private long count;
        private final Set<String> values = new LinkedHashSet<>();
        private final List<String> ids = new ArrayList<>();
        private Match last;

        ClosingWindow(CorrelationRule rule) {
            this.span = rule.timespanNanos();
            this.distinct = rule.type() == CorrelationType.VALUE_COUNT;
            this.threshold = rule.threshold();
        }

        @Override
        Fired accept(Match m) {
            Fired closed = start != Long.MIN_VALUE && m.nanos() > windowEnd() ? close() : null;
            if (start == Long.MIN_VALUE) {
                start = m.nanos();
            }
            count++;
            if (distinct && values.size() <= threshold.value()) {
                values.add(m.value());
            }
            if (ids.size() < MAX_LISTED && m.auditId() != null) {
                ids.add(m.auditId());
            }
            last = m;
            return closed;
        }

        @Override
        long windowEnd() {
            return start == Long.MIN_VALUE ? Long.MAX_VALUE : start + span;
        }

        @Override
        Fired close() {
            if (start == Long.MIN_VALUE) {
                return null;
            }
            long measured = distinct ? values.size() : count;
            Fired f = threshold.met(measured)
                    ? new Fired(measured, List.copyOf(values), start, last.nanos(), List.copyOf(ids), last.auditId(), last.stage())
                    : null;
            start = Long.MIN_VALUE;
            count = 0;
            values.clear();
            ids.clear();
            last = null;
            return f;
        }
    }

    /** temporal: the latest sighting of each step; fires when all lie within the timespan. */
    static final class AllSteps extends GroupState {
        private final long span;
        private final long[] seen;
        private final String[] ids;

        AllSteps(CorrelationRule rule) {
            this.span = rule.timespanNanos();
            this.seen = new long[rule.steps().size()];
            this.ids = new String[seen.length];
            Arrays.fill(seen, Long.MIN_VALUE);
        }

        @Override
        Fired accept(Match m) {
            long earliest = Long.MAX_VALUE;
            for (int i = 0; i < seen.length; i++) {
                if ((m.steps() & (1L << i)) != 0) {
                    seen[i] = m.nanos();
                    ids[i] = m.auditId();
                }
                earliest = Math.min(earliest, seen[i]);
            }
            if (earliest == Long.MIN_VALUE || earliest < m.nanos() - span) {
                return null;
            }
            Fired f = new Fired(seen.length, List.of(), earliest, m.nanos(), listed(Arrays.asList(ids).iterator()),
                    m.auditId(), m.stage());
            Arrays.fill(seen, Long.MIN_VALUE);
            Arrays.fill(ids, null);
            return f;
        }
    }

    /**
     * temporal_ordered: for each step, the latest start of a chain that has reached it. Steps are tried last to
     * first, so one event advances a chain by one step only.
     */
    static final class StepsInOrder extends GroupState {
        private final long span;
        private final long[] chainStart;
        private final List<List<String>> chainIds = new ArrayList<>();

        StepsInOrder(CorrelationRule rule) {
            this.span = rule.timespanNanos();
            this.chainStart = new long[rule.steps().size()];
            Arrays.fill(chainStart, Long.MIN_VALUE);
            for (int i = 0; i < chainStart.length; i++) {
                chainIds.add(List.of());
            }
        }

        @Override
        Fired accept(Match m) {
            for (int i = chainStart.length - 1; i >= 0; i--) {
                if ((m.steps() & (1L << i)) == 0) {
                    continue;
                }
                if (i == 0) {
                    chainStart[0] = m.nanos();
                    chainIds.set(0, m.auditId() == null ? List.of() : List.of(m.auditId()));
                } else if (chainStart[i - 1] != Long.MIN_VALUE && m.nanos() - chainStart[i - 1] <= span
                        && chainStart[i - 1] >= chainStart[i]) {
                    chainStart[i] = chainStart[i - 1];
                    List<String> ids = new ArrayList<>(chainIds.get(i - 1));
                    if (m.auditId() != null) {
                        ids.add(m.auditId());
                    }
                    chainIds.set(i, List.copyOf(ids));
                }
            }
            int last = chainStart.length - 1;
            if (chainStart[last] == Long.MIN_VALUE) {
                return null;
            }
            Fired f = new Fired(chainStart.length, List.of(), chainStart[last], m.nanos(), chainIds.get(last),
                    m.auditId(), m.stage());
            Arrays.fill(chainStart, Long.MIN_VALUE);
            for (int i = 0; i < chainStart.length; i++) {
                chainIds.set(i, List.of());
            }
            return f;
        }
    }

}
