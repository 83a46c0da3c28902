package io.auditbridge.detector.correlation;

import io.auditbridge.detector.engine.OutputTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A correlation's {@code output}: literal text with {@code %name} references to its {@code group_by} fields and to
 * what the correlation measured ({@code %correlation.count}, {@code .values}, {@code .window_start},
 * {@code .window_end}, {@code .timespan}, {@code .auditids}, {@code .type}). Only these can be printed: an alert
 * speaks for a group, not for one of its events.
 */
public final class CorrelationOutput {
    /** The {@code correlation.*} names an output may use; each is also an output field of every alert. */
    public static final Set<String> MEASURES = Set.of("correlation.type", "correlation.count", "correlation.values",
            "correlation.window_start", "correlation.window_end", "correlation.timespan", "correlation.auditids");

    private final List<String> parts; // literal text at even indexes, a field name at odd ones

    private CorrelationOutput(List<String> parts) {
        this.parts = parts;
    }

    /** @throws IllegalArgumentException naming a reference that is neither a group_by field nor a measure */
    public static CorrelationOutput compile(String format, List<String> groupBy) {
        List<String> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i);
            int end = c == '%' ? OutputTemplate.fieldEnd(format, i + 1) : -1;
            if (end <= i + 1) {
                literal.append(c);
                i++;
                continue;
            }
            String name = format.substring(i + 1, end);
            if (!MEASURES.contains(name) && !groupBy.contains(name)) {
                throw new IllegalArgumentException("%" + name + " is neither a group_by field nor one of " + MEASURES.stream().sorted().toList());
            }
            parts.add(literal.toString());
            literal.setLength(0);
            parts.add(name);
            i = end;
        }
        parts.add(literal.toString());
        return new CorrelationOutput(List.copyOf(parts));
    }

    /** @param values field name → text, as in the alert's {@code output_fields} ({@code <NA>} when absent) */
    public String render(Map<String, Object> values) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            if (i % 2 == 0) {
                out.append(parts.get(i));
            } else {
                Object v = values.get(parts.get(i));
                out.append(v == null ? "<NA>" : v);
            }
        }
        return out.toString();
    }
}
