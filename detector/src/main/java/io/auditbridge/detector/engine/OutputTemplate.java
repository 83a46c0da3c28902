package io.auditbridge.detector.engine;

import io.auditbridge.detector.condition.EvalContext;
import io.auditbridge.detector.condition.FieldTable;
import io.auditbridge.detector.fields.FieldValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rule's {@code output} with its {@code %field} references resolved once: rendering substitutes each
 * value as Falco prints it ({@code <NA>} when not available, list values as {@code (a,b)}).
 */
public final class OutputTemplate {
    private final List<Object> parts; // String literal or FieldTable.Slot
    private final List<FieldTable.Slot> fields;

    private OutputTemplate(List<Object> parts, List<FieldTable.Slot> fields) {
        this.parts = parts;
        this.fields = fields;
    }

    /** @throws IllegalArgumentException naming an unknown field */
    public static OutputTemplate compile(String format, FieldTable table) {
        List<Object> parts = new ArrayList<>();
        Map<String, FieldTable.Slot> fields = new LinkedHashMap<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i);
            int end = c == '%' ? fieldEnd(format, i + 1) : -1;
            if (end <= i + 1) {
                literal.append(c);
                i++;
                continue;
            }
            String name = format.substring(i + 1, end);
            if (!literal.isEmpty()) {
                parts.add(literal.toString());
                literal.setLength(0);
            }
            FieldTable.Slot slot = table.slot(name);
            parts.add(slot);
            fields.putIfAbsent(slot.field().name(), slot);
            i = end;
        }
        if (!literal.isEmpty()) {
            parts.add(literal.toString());
        }
        return new OutputTemplate(List.copyOf(parts), List.copyOf(fields.values()));
    }

    /** End of a field name starting at {@code from}: [A-Za-z0-9_.]+ then an optional [index]; no trailing dot. */
    public static int fieldEnd(String s, int from) {
        int i = from;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '.')) {
            i++;
        }
        while (i > from && s.charAt(i - 1) == '.') {
            i--;
        }
        if (i == from || s.indexOf('.', from) < 0 || s.indexOf('.', from) >= i) {
            return -1;
        }
        if (i < s.length() && s.charAt(i) == '[') {
            int close = s.indexOf(']', i);
            if (close > 0) {
                i = close + 1;
            }
        }
        return i;
    }

    public String render(EvalContext c) {
        StringBuilder sb = new StringBuilder(128);
        for (Object p : parts) {
            if (p instanceof String s) {
                sb.append(s);
            } else {
                FieldTable.Slot slot = (FieldTable.Slot) p;
                String v = text(slot, c.value(slot.index(), slot.field()));
                sb.append(v == null ? "<NA>" : v);
            }
        }
        return sb.toString();
    }

    /** The fields the output names, in order of first use. */
    public List<FieldTable.Slot> fields() {
        return fields;
    }

    /** A value as Falco prints it, or null when not available. */
    public static String text(FieldTable.Slot slot, FieldValue v) {
        if (!v.present()) {
            return null;
        }
        if (!slot.field().list()) {
            return v.first();
        }
        return "(" + String.join(",", v.values()) + ")";
    }
}
