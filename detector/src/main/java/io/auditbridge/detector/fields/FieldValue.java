package io.auditbridge.detector.fields;

import java.util.List;

/**
 * What one field extracted from one event: its values (one for a scalar field, zero or more for a list
 * field), or {@link #NA} when the field is not available. Falco's rule: a comparison on a field with no value
 * is false, and an empty string is a present value.
 */
public record FieldValue(List<String> values) {
    /** Not available: the key is absent, or the event has no auditID (then every {@code ka.*} field is). */
    public static final FieldValue NA = new FieldValue(null);

    public static FieldValue of(String value) {
        return value == null ? NA : new FieldValue(List.of(value));
    }

    /** A list field's values; an empty list is "not available" as the plugin reports no value then. */
    public static FieldValue ofList(List<String> values) {
        return values == null || values.isEmpty() ? NA : new FieldValue(List.copyOf(values));
    }

    public boolean present() {
        return values != null;
    }

    /** The first value, or null when not available: what a scalar comparison reads. */
    public String first() {
        return values == null ? null : values.get(0);
    }
}
