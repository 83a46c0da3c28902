package io.auditbridge.detector.condition;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses Falco's condition language by recursive descent.
 *
 * <pre>
 * expr    := and ('or' and)*
 * and     := unary ('and' unary)*
 * unary   := 'not' unary | '(' expr ')' | check | MACRO
 * check   := ref ( 'exists' | BINOP value | LISTOP '(' [value (',' value)*] ')' )
 * ref     := FIELD ['[' INDEX ']'] | TRANSFORMER '(' ref ')'      (tolower, toupper, b64, basename, len)
 * value   := '"…"' | "'…'" | BARE
 * </pre>
 * A field name contains a dot; a bare identifier without one is a macro. Bare values end at whitespace,
 * a parenthesis or a comma, as in Falco ({@code ka.uri startswith /healthz?}).
 */
public final class ConditionParser {
    private final String text;
    private int pos;

    private ConditionParser(String text) {
        this.text = text;
    }

    public static Expr parse(String condition) {
        ConditionParser p = new ConditionParser(condition);
        p.skipSpace();
        if (p.atEnd()) {
            throw new ConditionSyntaxException("empty condition", 0);
        }
        Expr e = p.or();
        p.skipSpace();
        if (!p.atEnd()) {
            throw new ConditionSyntaxException("unexpected '" + p.peekWord() + "'", p.pos);
        }
        return e;
    }

    private Expr or() {
        List<Expr> parts = new ArrayList<>();
        parts.add(and());
        while (keyword("or")) {
            parts.add(and());
        }
        return parts.size() == 1 ? parts.get(0) : new Expr.Or(List.copyOf(parts));
    }

    private Expr and() {
        List<Expr> parts = new ArrayList<>();
        parts.add(unary());
        while (keyword("and")) {
            parts.add(unary());
        }
        return parts.size() == 1 ? parts.get(0) : new Expr.And(List.copyOf(parts));
    }

    private Expr unary() {
        skipSpace();
        if (keyword("not")) {
            return new Expr.Not(unary());
        }
        if (peek() == '(') {
            pos++;
            Expr inner = or();
            skipSpace();
            expect(')');
            return inner;
        }
        int start = pos;
        String name = identifier();
        if (name.isEmpty()) {
            throw new ConditionSyntaxException(atEnd() ? "condition ends where a field or macro was expected"
                    : "expected a field or macro, found '" + peekWord() + "'", start);
        }
        List<String> transformers = new ArrayList<>();
        while (!name.contains(".") && peek() == '(' && Transformers.NAMES.contains(name.toLowerCase(java.util.Locale.ROOT))) {
            transformers.add(name.toLowerCase(java.util.Locale.ROOT));
            pos++;
            skipSpace();
            name = identifier();
        }
        if (!name.contains(".")) {
            if (!transformers.isEmpty()) {
                throw new ConditionSyntaxException("a transformer takes a field, found '" + name + "'", start);
            }
            if (peek() == '[' || peek() == '(') {
                throw new ConditionSyntaxException("'" + name + "' is not a field (field names contain a dot) nor a transformer ("
                        + String.join(", ", Transformers.NAMES) + ")", start);
            }
            return new Expr.MacroRef(name, start);
        }
        String index = null;
        if (peek() == '[') {
            int close = text.indexOf(']', pos);
            if (close < 0) {
                throw new ConditionSyntaxException("unclosed '[' after " + name, pos);
            }
            index = text.substring(pos + 1, close);
            pos = close + 1;
        }
        for (int i = 0; i < transformers.size(); i++) {
            skipSpace();
            expect(')');
        }
        List<String> wrap = List.copyOf(transformers);
        skipSpace();
        int opAt = pos;
        Operator op = operator();
        if (op == null) {
            throw new ConditionSyntaxException(atEnd() ? "missing operator after " + name
                    : "unknown operator '" + peekWord() + "' after " + name, opAt);
        }
        if (op == Operator.EXISTS) {
            return new Expr.Check(name, index, wrap, op, List.of(), start);
        }
        skipSpace();
        if (op.takesList()) {
            return new Expr.Check(name, index, wrap, op, list(op), start);
        }
        if (atEnd()) {
            throw new ConditionSyntaxException("missing value after " + name + " " + op.text, pos);
        }
        if (peek() == '(') {
            throw new ConditionSyntaxException("operator " + op.text + " takes one value, not a list", pos);
        }
        return new Expr.Check(name, index, wrap, op, List.of(value()), start);
    }

    private List<Expr.Operand> list(Operator op) {
        if (peek() != '(') {
            throw new ConditionSyntaxException("operator " + op.text + " needs a list in parentheses", pos);
        }
        pos++;
        List<Expr.Operand> items = new ArrayList<>();
        skipSpace();
        if (peek() == ')') {
            pos++;
            return items;
        }
        while (true) {
            skipSpace();
            if (atEnd()) {
                throw new ConditionSyntaxException("unclosed list", pos);
            }
            items.add(value());
            skipSpace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == ')') {
                pos++;
                return items;
            } else {
                throw new ConditionSyntaxException(atEnd() ? "unclosed list" : "expected ',' or ')' in list", pos);
            }
        }
    }

    private Expr.Operand value() {
        char c = peek();
        if (c == '"' || c == '\'') {
            return new Expr.Operand(quoted(c), true);
        }
        int start = pos;
        while (!atEnd()) {
            char d = text.charAt(pos);
            if (Character.isWhitespace(d) || d == '(' || d == ')' || d == ',') {
                break;
            }
            pos++;
        }
        if (pos == start) {
            throw new ConditionSyntaxException("expected a value", pos);
        }
        return new Expr.Operand(text.substring(start, pos), false);
    }

    private String quoted(char quote) {
        int start = pos;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (!atEnd()) {
            char c = text.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c == '\\' && !atEnd()) {
                char n = text.charAt(pos++);
                switch (n) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    default -> sb.append(n);
                }
            } else {
                sb.append(c);
            }
        }
        throw new ConditionSyntaxException("unterminated string", start);
    }

    private Operator operator() {
        if (atEnd()) {
            return null;
        }
        String[] symbols = {"==", "!=", "<=", ">=", "=", "<", ">"};
        for (String s : symbols) {
            if (text.startsWith(s, pos)) {
                pos += s.length();
                return switch (s) {
                    case "==" -> Operator.EQEQ;
                    case "!=" -> Operator.NE;
                    case "<=" -> Operator.LE;
                    case ">=" -> Operator.GE;
                    case "=" -> Operator.EQ;
                    case "<" -> Operator.LT;
                    default -> Operator.GT;
                };
            }
        }
        int start = pos;
        String w = identifier();
        Operator op = w.isEmpty() ? null : Operator.word(w);
        if (op == null) {
            pos = start;
        }
        return op;
    }

    /** Letters, digits, '_', '.', '-' (macro names like {@code k8s_audit_always_true}, fields like {@code ka.user.name}). */
    private String identifier() {
        int start = pos;
        while (!atEnd()) {
            char c = text.charAt(pos);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-') {
                pos++;
            } else {
                break;
            }
        }
        return text.substring(start, pos);
    }

    /** Consumes {@code and}, {@code or} or {@code not} (any case) when it stands as a whole word here. */
    private boolean keyword(String word) {
        skipSpace();
        int end = pos + word.length();
        if (text.regionMatches(true, pos, word, 0, word.length()) && (end == text.length() || !isIdentChar(text.charAt(end)))) {
            pos = end;
            return true;
        }
        return false;
    }

    private static boolean isIdentChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-';
    }

    private void expect(char c) {
        if (peek() != c) {
            throw new ConditionSyntaxException(atEnd() ? "missing '" + c + "'" : "expected '" + c + "', found '" + peekWord() + "'", pos);
        }
        pos++;
    }

    private void skipSpace() {
        while (!atEnd() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private char peek() {
        return atEnd() ? '\0' : text.charAt(pos);
    }

    private String peekWord() {
        int end = pos;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && end - pos < 30) {
            end++;
        }
        return text.substring(pos, Math.max(end, Math.min(pos + 1, text.length())));
    }
}
