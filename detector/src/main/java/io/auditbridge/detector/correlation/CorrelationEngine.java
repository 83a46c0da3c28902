package io.auditbridge.detector.correlation;

import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.condition.Condition;
import io.auditbridge.detector.condition.EvalContext;
import io.auditbridge.detector.condition.FieldTable;
import io.auditbridge.detector.engine.Alert;
import io.auditbridge.detector.engine.OutputTemplate;
import io.auditbridge.detector.fields.EventTimes;
import io.auditbridge.detector.fields.FieldValue;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Evaluates correlation rules over a stream of audit events, on event time.
 *
 * <p>Audit logs arrive late and out of order (CloudWatch and Cloud Logging by minutes), so matching events wait in
 * a reorder buffer until the watermark (the newest event time seen, less the allowed lateness) passes them, and the
 * groups then see them in event-time order. That makes the alerts a function of the events, not of their arrival:
 * a backfill, a replay shuffled within the lateness, or an at-least-once redelivery give the same alerts as one
 * clean pass. An event older than the watermark is late: counted, and left to the one-event rules. An event seen
 * again (same auditID and stage) while it could still count is counted as a duplicate and ignored.
 *
 * <p>Memory is bounded: at most {@code maxGroups} live groups (least recently used evicted, counted), at most
 * {@code maxBuffered} waiting matches (past that the oldest are released early, counted), and each group's state
 * is bounded by its rule. Thread-safe; calls are serialized.
 */
public final class CorrelationEngine {
    /** Bounds and lateness. */
    public record Settings(Duration allowedLateness, int maxGroups, int maxBuffered) {
        public static final Settings DEFAULT = new Settings(Duration.ofMinutes(3), 100_000, 100_000);

        public Settings {
            if (allowedLateness.isNegative() || maxGroups < 1 || maxBuffered < 1) {
                throw new IllegalArgumentException("lateness must be ≥ 0 and the bounds ≥ 1");
            }
        }
    }

    private record WindowEnd(long end, String group, int rule) {}

    private final CorrelationRule[] rules;
    private final Settings settings;
    private final String hostname;
    private final long lateness;
    private final FieldTable.Slot auditIdSlot;
    private final FieldTable.Slot stageSlot;
    private final PriorityQueue<Match> waiting = new PriorityQueue<>();
    /** (auditID, stage, rule) of matches that may still count, oldest arrival first. */
    private final LinkedHashMap<String, Long> counted = new LinkedHashMap<>();
    private final LinkedHashMap<String, GroupState> groups;
    /** Groups with a window judged at its end, by that end; stale entries are skipped. */
    private final PriorityQueue<WindowEnd> closing = new PriorityQueue<>(Comparator.comparingLong(WindowEnd::end));
    private final Counter late;
    private final Counter duplicates;
    private final Counter evicted;
    private final Counter released;
    private long newest = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;

    public CorrelationEngine(List<CorrelationRule> rules, FieldTable fields, Settings settings, String hostname,
                             PipelineMetrics metrics) {
        this.rules = rules.stream().filter(CorrelationRule::enabled).toArray(CorrelationRule[]::new);
        this.settings = settings;
        this.hostname = hostname;
        this.lateness = settings.allowedLateness().toNanos();
        this.auditIdSlot = fields.slot("ka.auditid");
        this.stageSlot = fields.slot("ka.stage");
        this.late = metrics.counter("auditbridge.correlation.late.events",
                "Events older than the correlation watermark (newest event time less the allowed lateness): not correlated, still evaluated by the one-event rules");
        this.duplicates = metrics.counter("auditbridge.correlation.duplicate.events",
                "Events seen again (same auditID and stage) while they could still count: counted once");
        this.evicted = metrics.counter("auditbridge.correlation.groups.evicted",
                "Correlation groups dropped, least recently used first, to stay within --max-correlation-groups");
        this.released = metrics.counter("auditbridge.correlation.released.early",
                "Matches released before the watermark passed them because the reorder buffer was full");
        this.groups = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, GroupState> eldest) {
                if (size() > settings.maxGroups()) {
                    evicted.increment();
                    return true;
                }
                return false;
            }
        };
    }

    /** True for an alert a correlation raised (its output fields carry what was measured). */
    public static boolean raised(Alert alert) {
        return alert.outputFields().containsKey("correlation.type");
    }

    /** The correlations this engine evaluates: those enabled among the ones it was given. */
    public List<CorrelationRule> rules() {
        return List.of(rules);
    }

    public boolean isEmpty() {
        return rules.length == 0;
    }

    /**
     * Offers one event, already loaded into {@code c}, to every correlation; alerts whose conditions the advancing
     * watermark settles go to {@code alerts} (they may concern earlier events).
     */
    public synchronized void accept(EvalContext c, long nanos, Consumer<Alert> alerts) {
        if (rules.length == 0 || nanos == 0) {
            return; // no stageTimestamp: nothing to place in time
        }
        String auditId = c.value(auditIdSlot.index(), auditIdSlot.field()).first();
        String stage = c.value(stageSlot.index(), stageSlot.field()).first();
        boolean isLate = nanos < watermark;
        boolean lateCounted = false;
        for (int r = 0; r < rules.length; r++) {
            CorrelationRule rule = rules[r];
            long steps = 0;
            List<Condition> conditions = rule.steps();
            for (int i = 0; i < conditions.size(); i++) {
                if (conditions.get(i).eval(c) == Condition.TRUE) {
                    steps |= 1L << i;
                }
            }
            if (steps == 0) {
                continue;
            }
            if (isLate) {
                if (!lateCounted) {
                    late.increment();
                    lateCounted = true;
                }
                continue;
            }
            String value = null;
            if (rule.field() != null) {
                value = OutputTemplate.text(rule.field(), c.value(rule.field().index(), rule.field().field()));
                if (value == null) {
                    continue; // nothing to count
                }
            }
            if (auditId != null && counted.putIfAbsent(auditId + '\u0000' + stage + '\u0000' + r, nanos) != null) {
                duplicates.increment();
                continue;
            }
            String[] groupValues = new String[rule.groupBy().size()];
            StringBuilder group = new StringBuilder().append(r);
            for (int g = 0; g < groupValues.length; g++) {
                FieldTable.Slot s = rule.groupBy().get(g);
                FieldValue v = c.value(s.index(), s.field());
                groupValues[g] = OutputTemplate.text(s, v);
                group.append('\u0000').append(Objects.requireNonNullElse(groupValues[g], "\u0001"));
            }
            waiting.add(new Match(r, nanos, auditId, stage, group.toString(), groupValues, value, steps));
        }
        if (nanos > newest) {
            newest = nanos;
            advance(newest - lateness, alerts);
        }
        while (waiting.size() > settings.maxBuffered()) {
            released.increment();
            advance(waiting.peek().nanos() + 1, alerts);
        }
    }

    /** End of the stream (a file evaluated, a shutdown): every waiting match is applied and open windows judged. */
    public synchronized void flush(Consumer<Alert> alerts) {
        advance(Long.MAX_VALUE, alerts);
    }

    private void advance(long to, Consumer<Alert> alerts) {
        if (to <= watermark) {
            return;
        }
        watermark = to;
        while (!waiting.isEmpty() && waiting.peek().nanos() < to) {
            Match m = waiting.poll();
            closeWindowsEndingBefore(m.nanos(), alerts);
            apply(m, alerts);
        }
        closeWindowsEndingBefore(to, alerts);
        // A match older than the watermark can no longer count; neither can its duplicate (it would be late).
        Iterator<Map.Entry<String, Long>> it = counted.entrySet().iterator();
        while (it.hasNext() && (it.next().getValue() < to || counted.size() > 2L * settings.maxBuffered())) {
            it.remove();
        }
    }

    private void apply(Match m, Consumer<Alert> alerts) {
        CorrelationRule rule = rules[m.rule()];
        GroupState state = groups.get(m.group());
        if (state == null) {
            state = GroupState.of(rule, m.groupValues());
            groups.put(m.group(), state);
        }
        long endBefore = state.windowEnd();
        GroupState.Fired fired = state.accept(m);
        if (fired != null) {
            alerts.accept(alert(rule, state.groupValues(), fired));
        }
        long end = state.windowEnd();
        if (end != Long.MAX_VALUE && end != endBefore) {
            closing.add(new WindowEnd(end, m.group(), m.rule()));
        }
    }

    private void closeWindowsEndingBefore(long t, Consumer<Alert> alerts) {
        while (!closing.isEmpty() && closing.peek().end() < t) {
            WindowEnd w = closing.poll();
            GroupState state = groups.get(w.group());
            if (state == null || state.windowEnd() != w.end()) {
                continue; // evicted, or that window already closed on a later event
            }
            GroupState.Fired fired = state.close();
            if (fired != null) {
                alerts.accept(alert(rules[w.rule()], state.groupValues(), fired));
            }
        }
    }

    private Alert alert(CorrelationRule rule, String[] groupValues, GroupState.Fired f) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("evt.time", f.windowEnd());
        for (int g = 0; g < groupValues.length; g++) {
            fields.put(rule.groupBy().get(g).field().name(), groupValues[g]);
        }
        fields.put("correlation.type", rule.type().spelling());
        fields.put("correlation.count", Long.toString(f.count()));
        if (rule.type() == CorrelationType.VALUE_COUNT) {
            fields.put("correlation.values", String.join(",", f.values()));
        }
        fields.put("correlation.window_start", EventTimes.iso(f.windowStart()));
        fields.put("correlation.window_end", EventTimes.iso(f.windowEnd()));
        fields.put("correlation.timespan", Duration.ofNanos(rule.timespanNanos()).toSeconds() + "s");
        fields.put("correlation.auditids", String.join(",", f.auditIds()));
        fields.put("ka.auditid", f.lastAuditId());
        fields.put("ka.stage", f.lastStage());
        String output = EventTimes.clock(f.windowEnd()) + ": " + rule.priority().label() + " " + rule.output().render(fields);
        return new Alert(EventTimes.iso(f.windowEnd()), rule.name(), rule.priority().label(), output, fields,
                rule.tags(), hostname);
    }

    /** Live groups, for the {@code auditbridge_correlation_groups} gauge. */
    public synchronized int liveGroups() {
        return groups.size();
    }

    /** For tests and the bench: how many matches wait for the watermark. */
    synchronized int waiting() {
        return waiting.size();
    }

}
