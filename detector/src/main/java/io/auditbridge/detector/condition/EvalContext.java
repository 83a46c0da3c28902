package io.auditbridge.detector.condition;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.detector.fields.Field;
import io.auditbridge.detector.fields.FieldValue;
import java.util.Arrays;
import java.util.Set;

/**
 * One event being evaluated: its JSON, its time, the fields it declares missing, and each field's value
 * extracted at most once however many rules read it. Single-threaded; reuse with {@link #reset}.
 */
public final class EvalContext implements Field.EventTime {
    private final FieldValue[] values;
    private final byte[] gaps; // 0 = not yet known, 1 = readable, 2 = reads a declared-missing field
    private JsonNode json;
    private Set<String> missing = Set.of();
    private long epochNanos;

    public EvalContext(int slots) {
        this.values = new FieldValue[slots];
        this.gaps = new byte[slots];
    }

    public EvalContext reset(JsonNode json, long epochNanos, Set<String> missing) {
        this.json = json;
        this.epochNanos = epochNanos;
        this.missing = missing;
        Arrays.fill(values, null);
        if (!missing.isEmpty()) {
            Arrays.fill(gaps, (byte) 0);
        }
        return this;
    }

    @Override
    public long epochNanos() {
        return epochNanos;
    }

    /** The value of the field in {@code slot}, extracted on first use. */
    public FieldValue value(int slot, Field field) {
        FieldValue v = values[slot];
        if (v == null) {
            v = field.extract(json, this);
            values[slot] = v;
        }
        return v;
    }

    /** Whether the field reads something the event declared missing: its comparisons are then unknown. */
    public boolean unknowable(int slot, Field field) {
        if (missing.isEmpty()) {
            return false;
        }
        byte g = gaps[slot];
        if (g == 0) {
            g = field.readsAnyOf(missing) ? (byte) 2 : (byte) 1;
            gaps[slot] = g;
        }
        return g == 2;
    }
}
