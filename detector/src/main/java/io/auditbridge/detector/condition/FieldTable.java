package io.auditbridge.detector.condition;

import io.auditbridge.detector.fields.Field;
import io.auditbridge.detector.fields.FieldRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The distinct fields a rule set reads, each with a slot in {@link EvalContext}'s per-event cache. */
public final class FieldTable {
    /** A field and its cache slot. */
    public record Slot(int index, Field field) {}

    private final FieldRegistry registry;
    private final Map<String, Slot> byName = new HashMap<>();
    private final List<Slot> slots = new ArrayList<>();

    public FieldTable(FieldRegistry registry) {
        this.registry = registry;
    }

    /** The slot of {@code base[index]}; throws IllegalArgumentException for an unknown field. */
    public Slot slot(String base, String index) {
        String key = index == null ? base : base + "[" + index + "]";
        Slot s = byName.get(key);
        if (s == null) {
            s = new Slot(slots.size(), registry.resolve(base, index));
            byName.put(key, s);
            slots.add(s);
        }
        return s;
    }

    /** The slot of {@code base[index]} wrapped in transformers (outermost first). */
    public Slot slot(String base, String index, java.util.List<String> transformers) {
        if (transformers.isEmpty()) {
            return slot(base, index);
        }
        Field inner = slot(base, index).field();
        String key = Transformers.name(transformers, inner.name());
        Slot s = byName.get(key);
        if (s == null) {
            s = new Slot(slots.size(), Transformers.apply(transformers, inner));
            byName.put(key, s);
            slots.add(s);
        }
        return s;
    }

    /** The slot of a field written as text, e.g. {@code ka.uri.param[command]}. */
    public Slot slot(String text) {
        int b = text.indexOf('[');
        if (b > 0 && text.endsWith("]")) {
            return slot(text.substring(0, b), text.substring(b + 1, text.length() - 1));
        }
        return slot(text, null);
    }

    public int size() {
        return slots.size();
    }

    public EvalContext newContext() {
        return new EvalContext(slots.size());
    }
}
