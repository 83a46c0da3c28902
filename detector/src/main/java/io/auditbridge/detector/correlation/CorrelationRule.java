package io.auditbridge.detector.correlation;

import io.auditbridge.detector.condition.Condition;
import io.auditbridge.detector.condition.FieldTable;
import io.auditbridge.detector.rules.Location;
import io.auditbridge.detector.rules.Priority;
import java.util.List;

/**
 * One correlation rule ready to evaluate.
 *
 * @param steps     the base events: for the count types any step counts; for the temporal types each step must be
 *                  seen (in order for {@code temporal_ordered}); one step per base rule, or one for a condition
 * @param stepNames what each step is called in alerts (the base rule's name, or "condition")
 * @param groupBy   the fields whose values make a group (empty: one group for the whole stream)
 * @param field     the field whose distinct values {@code value_count} counts; null for the other types
 * @param threshold the count condition; null for the temporal types
 */
public record CorrelationRule(String name, String description, CorrelationType type, List<Condition> steps,
                              List<String> stepNames, List<FieldTable.Slot> groupBy, FieldTable.Slot field,
                              long timespanNanos, Threshold threshold, CorrelationOutput output, Priority priority,
                              List<String> tags, boolean enabled, Location location) {}
