package io.auditbridge.detector.condition;

import java.util.List;

/** A parsed condition, before macros and lists are resolved. Offsets point into the condition text. */
public sealed interface Expr {
    record And(List<Expr> parts) implements Expr {}

    record Or(List<Expr> parts) implements Expr {}

    record Not(Expr inner) implements Expr {}

    /** A bare identifier in a condition: a macro name. */
    record MacroRef(String name, int offset) implements Expr {}

    /**
     * {@code field[index] op value} or {@code field op (a, b, …)} or {@code field exists}; {@code transformers}
     * wrap the field, innermost last ({@code tolower(b64(f))} → [tolower, b64]).
     */
    record Check(String field, String index, List<String> transformers, Operator op, List<Operand> operands, int offset)
            implements Expr {}

    /** One value as written: quoted values are literals, bare ones in a list may name a list. */
    record Operand(String text, boolean quoted) {}
}
