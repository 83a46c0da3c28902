package io.auditbridge.detector.rules;

import java.util.ArrayList;
import java.util.List;

/** A rule as loaded, after every file's append and override was applied; compiled by {@link RuleSet}. */
final class RuleDefinition {
    final String name;
    String desc = "";
    String condition;
    String output;
    Priority priority;
    String source = "syscall";
    List<String> tags = new ArrayList<>();
    boolean enabled = true;
    boolean skipIfUnknownFilter;
    List<RuleException> exceptions = new ArrayList<>();
    final Location location;
    Location conditionLocation;
    Location outputLocation;

    RuleDefinition(String name, Location location) {
        this.name = name;
        this.location = location;
        this.conditionLocation = location;
        this.outputLocation = location;
    }
}
