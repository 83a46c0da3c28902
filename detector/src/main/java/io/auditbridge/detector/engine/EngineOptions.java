package io.auditbridge.detector.engine;

import java.util.List;

/** How a {@link Detector} runs its rules: matching mode, selection, output additions and the alerts' hostname. */
public record EngineOptions(RuleMatching matching, RuleSelection selection, List<AppendOutput> appendOutput, String hostname) {
    public EngineOptions {
        matching = matching == null ? RuleMatching.FIRST : matching;
        selection = selection == null ? RuleSelection.ALL : selection;
        appendOutput = appendOutput == null ? List.of() : List.copyOf(appendOutput);
    }

    /** Falco's defaults: {@code rule_matching: first}, every enabled rule, nothing appended. */
    public static EngineOptions defaults(String hostname) {
        return new EngineOptions(RuleMatching.FIRST, RuleSelection.ALL, List.of(), hostname);
    }
}
