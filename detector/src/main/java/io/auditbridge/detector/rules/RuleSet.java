package io.auditbridge.detector.rules;

import io.auditbridge.detector.condition.ConditionCompiler;
import io.auditbridge.detector.condition.ConditionParser;
import io.auditbridge.detector.condition.ConditionSyntaxException;
import io.auditbridge.detector.condition.Expr;
import io.auditbridge.detector.condition.FieldTable;
import io.auditbridge.detector.condition.Operator;
import io.auditbridge.detector.engine.CompiledRule;
import io.auditbridge.detector.engine.OutputTemplate;
import io.auditbridge.detector.fields.FieldRegistry;
import java.util.ArrayList;
import java.util.List;

/** The compiled {@code k8s_audit} rules of one or more files, and the field table their events fill. */
public final class RuleSet {
    private final List<CompiledRule> rules;
    private final FieldTable fields;
    private final List<String> notices;
    private final ConditionCompiler compiler;

    private RuleSet(List<CompiledRule> rules, FieldTable fields, List<String> notices, ConditionCompiler compiler) {
        this.rules = rules;
        this.fields = fields;
        this.notices = notices;
        this.compiler = compiler;
    }

    /** The rule called {@code name}, enabled or not; null when there is none. */
    public CompiledRule rule(String name) {
        for (CompiledRule r : rules) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    /**
     * Compiles a condition with this set's macros and lists (correlation rules' base events). Call it before any
     * event is evaluated: it may add fields to the table.
     *
     * @throws ConditionSyntaxException when it does not parse or names an unknown field, macro or list
     */
    public ConditionCompiler.Compiled compileCondition(String text) {
        return compiler.compile(text);
    }

    /** Every compiled rule, enabled or not, in load order. */
    public List<CompiledRule> rules() {
        return rules;
    }

    public List<CompiledRule> enabledRules() {
        return rules.stream().filter(CompiledRule::enabled).toList();
    }

    public FieldTable fields() {
        return fields;
    }

    /** Notices from loading and compiling: rules for other sources ignored, unknown keys. */
    public List<String> notices() {
        return notices;
    }

    static RuleSet compile(RulesLoader loaded) {
        FieldTable table = new FieldTable(FieldRegistry.standard());
        ConditionCompiler compiler = new ConditionCompiler(new ConditionCompiler.Definitions() {
            @Override
            public String macro(String name) {
                var m = loaded.macros.get(name);
                return m == null ? null : m.condition();
            }

            @Override
            public String macroLocation(String name) {
                var m = loaded.macros.get(name);
                return m == null ? "?" : m.location().toString();
            }

            @Override
            public List<String> list(String name) {
                var l = loaded.lists.get(name);
                return l == null ? null : l.items();
            }
        }, table);
        List<CompiledRule> out = new ArrayList<>();
        for (RuleDefinition r : loaded.rules.values()) {
            if (!RulesLoader.SOURCE.equals(r.source)) {
                loaded.notice(r.location + ": rule '" + r.name + "' is for source '" + r.source + "': ignored");
                continue;
            }
            try {
                out.add(compileRule(r, compiler, table));
            } catch (ConditionSyntaxException e) {
                if (r.skipIfUnknownFilter && e.getMessage().contains("unknown field")) {
                    loaded.notice(r.location + ": rule '" + r.name + "' skipped (skip-if-unknown-filter): " + e.getMessage());
                    continue;
                }
                throw new RulesException(r.conditionLocation, "rule '" + r.name + "': condition: " + e.getMessage());
            }
        }
        return new RuleSet(List.copyOf(out), table, loaded.notices(), compiler);
    }

    private static CompiledRule compileRule(RuleDefinition r, ConditionCompiler compiler, FieldTable table) {
        Expr condition = ConditionParser.parse(r.condition);
        Expr withExceptions = r.exceptions.isEmpty() ? condition : withExceptions(r, condition);
        ConditionCompiler.Compiled compiled = compiler.compile(withExceptions);
        OutputTemplate output;
        try {
            output = OutputTemplate.compile(r.output, table);
        } catch (IllegalArgumentException e) {
            throw new RulesException(r.outputLocation, "rule '" + r.name + "': output: " + e.getMessage());
        }
        return new CompiledRule(r.name, r.desc, r.priority, List.copyOf(r.tags), r.enabled, compiled.condition(),
                output, compiled.reads());
    }

    /** {@code condition and not (tuple1 or tuple2 …)}, each tuple the AND of its field comparisons. */
    private static Expr withExceptions(RuleDefinition r, Expr condition) {
        List<Expr> tuples = new ArrayList<>();
        for (RuleException ex : r.exceptions) {
            List<Operator> ops = new ArrayList<>();
            for (String comp : ex.comps()) {
                ops.add(operator(r, ex, comp));
            }
            if (ex.singleField()) {
                Operator op = ops.get(0);
                if (ex.values().isEmpty()) {
                    continue;
                }
                if (op.takesList()) {
                    List<Expr.Operand> operands = ex.values().stream().map(v -> new Expr.Operand((String) v, false)).toList();
                    tuples.add(check(ex.fields().get(0), op, operands));
                } else {
                    for (Object v : ex.values()) {
                        tuples.add(check(ex.fields().get(0), op, List.of(new Expr.Operand((String) v, true))));
                    }
                }
                continue;
            }
            for (Object v : ex.values()) {
                List<?> tuple = (List<?>) v;
                List<Expr> parts = new ArrayList<>();
                for (int i = 0; i < tuple.size(); i++) {
                    parts.add(check(ex.fields().get(i), ops.get(i), operands(ops.get(i), tuple.get(i))));
                }
                tuples.add(parts.size() == 1 ? parts.get(0) : new Expr.And(List.copyOf(parts)));
            }
        }
        if (tuples.isEmpty()) {
            return condition;
        }
        Expr any = tuples.size() == 1 ? tuples.get(0) : new Expr.Or(List.copyOf(tuples));
        return new Expr.And(List.of(condition, new Expr.Not(any)));
    }

    private static List<Expr.Operand> operands(Operator op, Object value) {
        if (value instanceof List<?> items) {
            return items.stream().map(x -> new Expr.Operand((String) x, false)).toList();
        }
        // For a list operator, a single value may name a list, as "(name)" would in a condition.
        return List.of(new Expr.Operand((String) value, !op.takesList()));
    }

    private static Expr check(String field, Operator op, List<Expr.Operand> operands) {
        int b = field.indexOf('[');
        String base = b > 0 && field.endsWith("]") ? field.substring(0, b) : field;
        String index = b > 0 && field.endsWith("]") ? field.substring(b + 1, field.length() - 1) : null;
        return new Expr.Check(base, index, List.of(), op, operands, 0);
    }

    private static Operator operator(RuleDefinition r, RuleException ex, String comp) {
        Operator op = Operator.parse(comp);
        if (op == null || op == Operator.EXISTS) {
            throw new RulesException(r.location, "rule '" + r.name + "': exception '" + ex.name() + "': unknown comparison '" + comp + "'");
        }
        return op;
    }
}
