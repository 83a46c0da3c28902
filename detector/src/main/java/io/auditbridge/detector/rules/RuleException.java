package io.auditbridge.detector.rules;

import java.util.List;

/**
 * One entry of a rule's {@code exceptions}: the rule does not fire when, for any tuple of {@code values},
 * every field compares true with its value.
 *
 * @param fields      the fields; {@code singleField} when written as one string (then each value is one
 *                    operand, compared with {@code in} by default)
 * @param comps       one operator per field; defaults filled in
 * @param values      each a String or a {@code List} (a tuple, whose elements are String or List of String)
 */
public record RuleException(String name, List<String> fields, boolean singleField, List<String> comps, List<Object> values) {
    public RuleException withMoreValues(List<Object> more) {
        List<Object> all = new java.util.ArrayList<>(values);
        all.addAll(more);
        return new RuleException(name, fields, singleField, comps, List.copyOf(all));
    }
}
