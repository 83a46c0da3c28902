package io.auditbridge.detector.condition;

import io.auditbridge.detector.fields.Field;
import io.auditbridge.detector.fields.FieldValue;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns parsed conditions into {@link Condition} trees: macros expanded (each compiled once and shared),
 * list references inside {@code (…)} expanded recursively, fields resolved to cache slots, and operand
 * sets and patterns prepared, so evaluation does no parsing or lookup.
 */
public final class ConditionCompiler {
    /** Where macros and lists come from. */
    public interface Definitions {
        /** The macro's condition text, or null when no macro has that name. */
        String macro(String name);

        /** Where the macro is defined, for messages ({@code rules.yaml:12}). */
        String macroLocation(String name);

        /** The list's items as written (they may name other lists), or null when no list has that name. */
        List<String> list(String name);
    }

    private final Definitions definitions;
    private final FieldTable fields;
    private final Map<String, Compiled> macros = new HashMap<>();
    private final Deque<String> expanding = new ArrayDeque<>();

    /** A compiled condition and every field it reads (through its macros too). */
    public record Compiled(Condition condition, Set<Field> reads) {}

    public ConditionCompiler(Definitions definitions, FieldTable fields) {
        this.definitions = definitions;
        this.fields = fields;
    }

    /**
     * Compiles a condition text.
     *
     * @throws ConditionSyntaxException when it does not parse, names an unknown field, macro or operator use
     */
    public Compiled compile(String text) {
        Set<Field> reads = new LinkedHashSet<>();
        Condition c = compile(ConditionParser.parse(text), reads);
        return new Compiled(c, Set.copyOf(reads));
    }

    /** Compiles a parsed expression (rule exceptions are built as expressions). */
    public Compiled compile(Expr expr) {
        Set<Field> reads = new LinkedHashSet<>();
        Condition c = compile(expr, reads);
        return new Compiled(c, Set.copyOf(reads));
    }

    private Condition compile(Expr e, Set<Field> reads) {
        return switch (e) {
            case Expr.And and -> and(compileAll(and.parts(), reads));
            case Expr.Or or -> or(compileAll(or.parts(), reads));
            case Expr.Not not -> {
                Condition inner = compile(not.inner(), reads);
                yield c -> Condition.not(inner.eval(c));
            }
            case Expr.MacroRef ref -> macro(ref, reads);
            case Expr.Check check -> check(check, reads);
        };
    }

    private Condition[] compileAll(List<Expr> parts, Set<Field> reads) {
        Condition[] out = new Condition[parts.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = compile(parts.get(i), reads);
        }
        return out;
    }

    private static Condition and(Condition[] parts) {
        return c -> {
            int result = Condition.TRUE;
            for (Condition p : parts) {
                int v = p.eval(c);
                if (v == Condition.FALSE) {
                    return Condition.FALSE;
                }
                if (v == Condition.UNKNOWN) {
                    result = Condition.UNKNOWN;
                }
            }
            return result;
        };
    }

    private static Condition or(Condition[] parts) {
        return c -> {
            int result = Condition.FALSE;
            for (Condition p : parts) {
                int v = p.eval(c);
                if (v == Condition.TRUE) {
                    return Condition.TRUE;
                }
                if (v == Condition.UNKNOWN) {
                    result = Condition.UNKNOWN;
                }
            }
            return result;
        };
    }

    private Condition macro(Expr.MacroRef ref, Set<Field> reads) {
        String name = ref.name();
        Compiled done = macros.get(name);
        if (done == null) {
            String text = definitions.macro(name);
            if (text == null) {
                throw new ConditionSyntaxException("undefined macro '" + name + "'", ref.offset());
            }
            if (expanding.contains(name)) {
                throw new ConditionSyntaxException("macro '" + name + "' refers to itself through " + String.join(" → ", expanding), ref.offset());
            }
            expanding.push(name);
            try {
                done = compile(text);
            } catch (ConditionSyntaxException inner) {
                if (inner instanceof MacroException) {
                    throw new MacroException(inner.getMessage(), ref.offset());
                }
                throw new MacroException("in macro '" + name + "' (" + definitions.macroLocation(name) + "): "
                        + inner.getMessage(), ref.offset());
            } finally {
                expanding.pop();
            }
            macros.put(name, done);
        }
        reads.addAll(done.reads());
        return done.condition();
    }

    /** An error inside a macro: its message already says where. */
    static final class MacroException extends ConditionSyntaxException {
        MacroException(String message, int offset) {
            super(message, offset);
        }
    }

    private Condition check(Expr.Check check, Set<Field> reads) {
        FieldTable.Slot slot;
        try {
            slot = fields.slot(check.field(), check.index(), check.transformers());
        } catch (IllegalArgumentException unknown) {
            throw new ConditionSyntaxException(unknown.getMessage(), check.offset());
        }
        Field field = slot.field();
        int s = slot.index();
        Operator op = check.op();
        if (field.list() && !op.allowedOnList()) {
            throw new ConditionSyntaxException("operator " + op.text() + " cannot be used on list field " + field.name()
                    + " (only in, intersects, exists)", check.offset());
        }
        reads.add(field);
        if (op == Operator.EXISTS) {
            return c -> c.unknowable(s, field) ? Condition.UNKNOWN
                    : c.value(s, field).present() ? Condition.TRUE : Condition.FALSE;
        }
        ValueTest test = op.takesList() ? setTest(op, field, operands(check)) : scalarTest(op, field, check.operands().get(0).text());
        return c -> {
            if (c.unknowable(s, field)) {
                return Condition.UNKNOWN;
            }
            FieldValue v = c.value(s, field);
            return v.present() && test.matches(v) ? Condition.TRUE : Condition.FALSE;
        };
    }

    @FunctionalInterface
    private interface ValueTest {
        boolean matches(FieldValue present);
    }

    private List<String> operands(Expr.Check check) {
        List<String> out = new ArrayList<>();
        for (Expr.Operand o : check.operands()) {
            if (!o.quoted() && definitions.list(o.text()) != null) {
                try {
                    expandInto(o.text(), out, new ArrayDeque<>());
                } catch (IllegalArgumentException cycle) {
                    throw new ConditionSyntaxException(cycle.getMessage(), check.offset());
                }
            } else {
                out.add(o.text());
            }
        }
        return out;
    }

    private void expandInto(String list, List<String> out, Deque<String> path) {
        if (path.contains(list)) {
            throw new IllegalArgumentException("list '" + list + "' contains itself through " + String.join(" → ", path));
        }
        path.push(list);
        for (String item : definitions.list(list)) {
            if (definitions.list(item) != null) {
                expandInto(item, out, path);
            } else {
                out.add(item);
            }
        }
        path.pop();
    }

    private static ValueTest setTest(Operator op, Field field, List<String> items) {
        if (op == Operator.PMATCH) {
            List<String> prefixes = List.copyOf(items);
            return v -> {
                for (String x : v.values()) {
                    for (String p : prefixes) {
                        if (x.equals(p) || x.startsWith(p.endsWith("/") ? p : p + "/")) {
                            return true;
                        }
                    }
                }
                return false;
            };
        }
        Set<String> set = Set.copyOf(new LinkedHashSet<>(items));
        if (op == Operator.IN && field.list()) {
            return v -> set.containsAll(v.values()); // every value in the set
        }
        return v -> {
            for (String x : v.values()) { // a scalar: membership; a list with intersects: any value
                if (set.contains(x)) {
                    return true;
                }
            }
            return false;
        };
    }

    private static ValueTest scalarTest(Operator op, Field field, String operand) {
        BigDecimal number = number(operand); // once, not per event
        return switch (op) {
            case EQ, EQEQ -> field.numeric() ? v -> compare(v.first(), operand, number) == 0 : v -> v.first().equals(operand);
            case NE -> field.numeric() ? v -> compare(v.first(), operand, number) != 0 : v -> !v.first().equals(operand);
            case LT -> v -> compare(v.first(), operand, number) < 0;
            case LE -> v -> compare(v.first(), operand, number) <= 0;
            case GT -> v -> compare(v.first(), operand, number) > 0;
            case GE -> v -> compare(v.first(), operand, number) >= 0;
            case CONTAINS -> v -> v.first().contains(operand);
            case ICONTAINS -> {
                String lower = operand.toLowerCase(Locale.ROOT);
                yield v -> v.first().toLowerCase(Locale.ROOT).contains(lower);
            }
            case STARTSWITH -> v -> v.first().startsWith(operand);
            case ENDSWITH -> v -> v.first().endsWith(operand);
            case GLOB -> {
                Pattern p = Glob.toPattern(operand);
                yield v -> p.matcher(v.first()).matches();
            }
            default -> throw new IllegalStateException("not a scalar operator: " + op);
        };
    }

    /** Numbers compare as numbers, anything else as text. */
    private static int compare(String value, String operand, BigDecimal b) {
        BigDecimal a = b == null ? null : number(value);
        if (a != null) {
            return a.compareTo(b);
        }
        return value.compareTo(operand);
    }

    private static BigDecimal number(String s) {
        if (s.isEmpty() || s.length() > 40) {
            return null;
        }
        char c = s.charAt(0);
        if (!(Character.isDigit(c) || c == '-' || c == '+')) {
            return null;
        }
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
