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
 * Evaluates the selected rules against each event in load order: with {@link RuleMatching#FIRST} the first
 * rule that matches raises the only alert, with {@link RuleMatching#ALL} every matching rule raises one.
 * Reports rules that could not be decided because the event declared a field they read missing.
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

    /** A selected rule with what {@code append_output} adds to its alerts. */
    private record Running(CompiledRule rule, OutputTemplate extraOutput, List<ExtraField> extraFields) {}

    /** An {@code extra_fields} entry: a field's value, or a rendered template. */
    private record ExtraField(String name, FieldTable.Slot field, OutputTemplate template) {}

    private final RuleSet rules;
    private final EngineOptions options;
    private final Running[] running;
    private final List<CompiledRule> selected;
    private final FieldTable fields;
    private final FieldTable.Slot auditId;
    private final FieldTable.Slot stage;
    private final FieldTable.Slot cluster;
    private final GapListener gaps;
    private final CorrelationEngine correlations;

    /**
     * Every enabled rule, each raising its own alert ({@code rule_matching: all}): what rule-semantics tests and
     * benchmarks want. The commands and the embedded sink build {@link EngineOptions} instead, default {@code first}.
     */
    public Detector(RuleSet rules, String hostname, GapListener gaps) {
        this(rules, new EngineOptions(RuleMatching.ALL, RuleSelection.ALL, java.util.List.of(), hostname), gaps);
    }

    /** @throws IllegalArgumentException when an {@code append_output} entry names an unknown field */
    public Detector(RuleSet rules, EngineOptions options, GapListener gaps) {
        this(rules, options, gaps, null);
    }

    /**
     * @param correlations offered every event after the one-event rules (whatever they matched); null for none
     * @throws IllegalArgumentException when an {@code append_output} entry names an unknown field
     */
    public Detector(RuleSet rules, EngineOptions options, GapListener gaps, CorrelationEngine correlations) {
        this.rules = rules;
        this.options = options;
        this.fields = rules.fields();
        // Every slot is resolved here, before any event: the table is only read afterwards, so sharing it across
        // threads is safe.
        this.auditId = fields.slot("ka.auditid");
        this.stage = fields.slot("ka.stage");
        this.cluster = fields.slot("ka.cluster.name");
        List<Running> list = new ArrayList<>();
        for (CompiledRule r : rules.rules()) {
            if (options.selection().selects(r)) {
                list.add(running(r, options.appendOutput()));
            }
        }
        this.running = list.toArray(Running[]::new);
        this.selected = list.stream().map(Running::rule).toList();
        this.gaps = gaps;
        this.correlations = correlations;
    }

    private Running running(CompiledRule r, List<AppendOutput> appends) {
        StringBuilder extra = new StringBuilder();
        List<ExtraField> extraFields = new ArrayList<>();
        for (AppendOutput a : appends) {
            if (!a.matches(r)) {
                continue;
            }
            if (a.extraOutput() != null && !a.extraOutput().isBlank()) {
                extra.append(extra.isEmpty() ? "" : " ").append(a.extraOutput().strip());
            }
            for (Object f : a.extraFields()) {
                if (f instanceof String name) {
                    extraFields.add(new ExtraField(name, slot(name), null));
                } else {
                    Map.Entry<?, ?> e = ((Map<?, ?>) f).entrySet().iterator().next();
                    extraFields.add(new ExtraField(String.valueOf(e.getKey()), null, compile(String.valueOf(e.getValue()))));
                }
            }
        }
        return new Running(r, extra.isEmpty() ? null : compile(extra.toString()), List.copyOf(extraFields));
    }

    private FieldTable.Slot slot(String name) {
        try {
            return fields.slot(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("append_output: extra_fields: " + e.getMessage(), e);
        }
    }

    private OutputTemplate compile(String format) {
        try {
            return OutputTemplate.compile(format, fields);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("append_output: " + e.getMessage(), e);
        }
    }

    public RuleSet rules() {
        return rules;
    }

    /** The correlation engine fed by this detector, or null. */
    public CorrelationEngine correlations() {
        return correlations;
    }

    public EngineOptions options() {
        return options;
    }

    /** The rules that run, in load order: enabled by their files and chosen by the selection. */
    public List<CompiledRule> selectedRules() {
        return selected;
    }

    public List<Alert> evaluate(Event event) {
        List<Alert> out = new ArrayList<>(2);
        evaluate(event, out::add);
        return out;
    }

    public void evaluate(Event event, Consumer<Alert> alerts) {
        long nanos = EventTimes.parseNanos(event.stageTimestamp());
        // Most events declare nothing missing: no set is built for them.
        Set<String> missing = event.annotation(Event.ANNOTATION_MISSING) == null ? Set.of() : event.missingFields();
        EvalContext c = fields.newContext().reset(event.json(), nanos, missing);
        boolean first = options.matching() == RuleMatching.FIRST;
        for (Running r : running) {
            int v = r.rule().condition().eval(c);
            if (v == Condition.TRUE) {
                alerts.accept(alert(r, c, nanos));
                if (first) {
                    break; // rule_matching first ends the one-event rules, not the correlations
                }
            } else if (v == Condition.UNKNOWN) {
                gaps.notEvaluated(r.rule(), event, missingRead(r.rule(), missing));
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

    private Alert alert(Running r, EvalContext c, long nanos) {
        CompiledRule rule = r.rule();
        Map<String, Object> outputFields = new LinkedHashMap<>();
        outputFields.put("evt.time", nanos);
        for (FieldTable.Slot s : rule.output().fields()) {
            outputFields.put(s.field().name(), OutputTemplate.text(s, c.value(s.index(), s.field())));
        }
        for (FieldTable.Slot s : List.of(auditId, stage)) {
            outputFields.putIfAbsent(s.field().name(), c.value(s.index(), s.field()).first());
        }
        // Which cluster: every bridge puts it in the event, and routing alerts by cluster needs it in every alert.
        FieldValue clusterName = c.value(cluster.index(), cluster.field());
        if (clusterName.present()) {
            outputFields.putIfAbsent(cluster.field().name(), clusterName.first());
        }
        String text = rule.output().render(c);
        if (r.extraOutput() != null) {
            text = text + " " + r.extraOutput().render(c);
            for (FieldTable.Slot s : r.extraOutput().fields()) {
                outputFields.putIfAbsent(s.field().name(), OutputTemplate.text(s, c.value(s.index(), s.field())));
            }
        }
        for (ExtraField f : r.extraFields()) {
            outputFields.put(f.name(), f.field() != null ? OutputTemplate.text(f.field(), c.value(f.field().index(), f.field().field()))
                    : f.template().render(c));
        }
        String output = EventTimes.clock(nanos) + ": " + rule.priority().label() + " " + text;
        return new Alert(EventTimes.iso(nanos), rule.name(), rule.priority().label(), output, outputFields,
                rule.tags(), options.hostname());
    }
}
