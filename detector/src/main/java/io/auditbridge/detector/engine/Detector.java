package io.auditbridge.detector.engine;

import io.auditbridge.core.Event;
import io.auditbridge.detector.condition.Condition;
import io.auditbridge.detector.correlation.CorrelationEngine;
import io.auditbridge.detector.condition.EvalContext;
import io.auditbridge.detector.condition.FieldTable;
import io.auditbridge.detector.fields.EventTimes;
import io.auditbridge.detector.fields.Field;
import io.auditbridge.detector.fields.FieldValue;
import io.auditbridge.detector.rules.RuleSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Evaluates every enabled rule against each event, independently (one event can fire several rules), and
 * reports rules that could not be decided because the event declared a field they read missing.
 * Thread-safe: each call uses its own per-event state.
 */
public final class Detector {
    /** Told when a rule's outcome depended on a field the event declared missing. */
    @FunctionalInterface
    public interface GapListener {
        GapListener NONE = (rule, event, missing) -> {};

        /** @param missing the declared-missing Event fields the rule reads */
        void notEvaluated(CompiledRule rule, Event event, Set<String> missing);
    }

    private final RuleSet rules;
    private final CompiledRule[] enabled;
    private final FieldTable fields;
    private final FieldTable.Slot auditId;
    private final FieldTable.Slot stage;
    private final String hostname;
    private final GapListener gaps;
    private final CorrelationEngine correlations;

    public Detector(RuleSet rules, String hostname, GapListener gaps) {
        this(rules, hostname, gaps, null);
    }

    /** @param correlations evaluated after the one-event rules on every event; null for none */
    public Detector(RuleSet rules, String hostname, GapListener gaps, CorrelationEngine correlations) {
        this.rules = rules;
        this.enabled = rules.enabledRules().toArray(CompiledRule[]::new);
        this.fields = rules.fields();
        // Resolved before any event: the table is only read afterwards, so sharing it across threads is safe.
        this.auditId = fields.slot("ka.auditid");
        this.stage = fields.slot("ka.stage");
        this.hostname = hostname;
        this.gaps = gaps;
        this.correlations = correlations;
    }

    public RuleSet rules() {
        return rules;
    }

    public List<Alert> evaluate(Event event) {
        List<Alert> out = new ArrayList<>(2);
        evaluate(event, out::add);
        return out;
    }

    public void evaluate(Event event, Consumer<Alert> alerts) {
        long nanos = EventTimes.parseNanos(event.stageTimestamp());
        Set<String> missing = event.missingFields();
        EvalContext c = fields.newContext().reset(event.json(), nanos, missing);
        for (CompiledRule rule : enabled) {
            int v = rule.condition().eval(c);
            if (v == Condition.TRUE) {
                alerts.accept(alert(rule, c, nanos));
            } else if (v == Condition.UNKNOWN) {
                gaps.notEvaluated(rule, event, missingRead(rule, missing));
            }
        }
        if (correlations != null) {
            correlations.accept(c, nanos, alerts);
        }
    }

    /**
     * The end of a stream: correlation matches still waiting for late events are applied and windows judged
     * (one-event rules have nothing pending).
     */
    public void flush(Consumer<Alert> alerts) {
        if (correlations != null) {
            correlations.flush(alerts);
        }
    }

    private static Set<String> missingRead(CompiledRule rule, Set<String> missing) {
        Set<String> out = new LinkedHashSet<>();
        for (Field f : rule.reads()) {
            for (String m : missing) {
                if (f.readsAnyOf(Set.of(m))) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    private Alert alert(CompiledRule rule, EvalContext c, long nanos) {
        Map<String, Object> outputFields = new LinkedHashMap<>();
        outputFields.put("evt.time", nanos);
        for (FieldTable.Slot s : rule.output().fields()) {
            outputFields.put(s.field().name(), OutputTemplate.text(s, c.value(s.index(), s.field())));
        }
        for (FieldTable.Slot s : List.of(auditId, stage)) {
            FieldValue v = c.value(s.index(), s.field());
            outputFields.putIfAbsent(s.field().name(), v.first());
        }
        String output = EventTimes.clock(nanos) + ": " + rule.priority().label() + " " + rule.output().render(c);
        return new Alert(EventTimes.iso(nanos), rule.name(), rule.priority().label(), output, outputFields,
                rule.tags(), hostname);
    }
}
