package io.auditbridge.detector.correlation;

/**
 * What the engine keeps of one event that matched a correlation's base events: enough to order, dedupe, group and
 * report it, never the event itself.
 *
 * @param rule   the correlation's index in the engine
 * @param group  the group's field values as printed, joined; see {@link CorrelationEngine}
 * @param value  the counted field's value (value_count), else null
 * @param steps  bit i set when the event matched step i
 */
record Match(int rule, long nanos, String auditId, String stage, String group, String[] groupValues, String value,
             long steps) {}
