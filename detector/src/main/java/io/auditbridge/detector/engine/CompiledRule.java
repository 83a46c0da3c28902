package io.auditbridge.detector.engine;

import io.auditbridge.detector.condition.Condition;
import io.auditbridge.detector.fields.Field;
import io.auditbridge.detector.rules.Priority;
import java.util.List;
import java.util.Set;

/** One {@code k8s_audit} rule ready to evaluate. */
public record CompiledRule(String name, String description, Priority priority, List<String> tags, boolean enabled,
                           Condition condition, OutputTemplate output, Set<Field> reads) {}
