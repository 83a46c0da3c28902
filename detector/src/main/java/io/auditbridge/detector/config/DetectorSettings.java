package io.auditbridge.detector.config;

import io.auditbridge.detector.correlation.CorrelationEngine;
import io.auditbridge.detector.engine.AppendOutput;
import io.auditbridge.detector.engine.EngineOptions;
import io.auditbridge.detector.engine.RuleMatching;
import io.auditbridge.detector.engine.RuleSelection;
import io.auditbridge.detector.output.FailurePolicy;
import io.auditbridge.detector.rules.Priority;
import io.auditbridge.detector.rules.RulesSources;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a detector runs with, whichever entry point set it (evaluate, serve, the embedded sink): first a
 * falco.yaml-style file ({@link FalcoYaml}), then flags or sink options on top. Defaults are Falco's:
 * {@code rule_matching: first}, every enabled rule, alerts to stdout.
 */
public final class DetectorSettings {
    public List<String> rules = new ArrayList<>();
    public RuleMatching matching = RuleMatching.FIRST;
    public List<String> disabledNames = new ArrayList<>();
    public List<String> disabledTags = new ArrayList<>();
    public List<String> enabledTags = new ArrayList<>();
    public Priority minPriority = Priority.DEBUG;
    public List<AppendOutput> appendOutput = new ArrayList<>();
    public List<OutputSpec> outputs = new ArrayList<>();
    public String hostname;
    public boolean logGaps;
    public boolean watchRules;
    public Duration watchInterval = Duration.ofSeconds(2);
    public Duration retryBackoff = OutputSpec.DEFAULT_BACKOFF;
    /** How long correlation windows wait for late events (event time); see CorrelationEngine. */
    public Duration correlationLateness = CorrelationEngine.Settings.DEFAULT.allowedLateness();
    public int maxCorrelationGroups = CorrelationEngine.Settings.DEFAULT.maxGroups();

    /** @throws IllegalArgumentException for a negative lateness or a bound under 1 */
    public CorrelationEngine.Settings correlationSettings() {
        return new CorrelationEngine.Settings(correlationLateness, maxCorrelationGroups, CorrelationEngine.Settings.DEFAULT.maxBuffered());
    }

    public RulesSources rulesSources() {
        return RulesSources.of(rules);
    }

    /** @throws IllegalArgumentException when -t is combined with -D/-T */
    public EngineOptions engineOptions() {
        return new EngineOptions(matching, new RuleSelection(disabledNames, disabledTags, enabledTags, minPriority),
                appendOutput, hostname != null && !hostname.isBlank() ? hostname : localHostname());
    }

    /** The outputs, stdout when none was configured. */
    public List<OutputSpec> outputSpecs() {
        return outputs.isEmpty() ? List.of(OutputSpec.of("stdout")) : outputs;
    }

    /** Replaces the outputs with these targets, all with one failure policy and retry count. */
    public void outputs(List<String> targets, FailurePolicy policy, int retries) {
        outputs = new ArrayList<>();
        for (String t : targets) {
            outputs.add(new OutputSpec(t.strip(), policy, retries, false));
        }
    }

    /**
     * The alerts' {@code hostname}, as Falco picks it: {@code FALCO_HOSTNAME}, then {@code HOSTNAME} (set in
     * containers), then the resolver. Override with {@code --hostname}: the detector's host is seldom where the event happened.
     */
    public static String localHostname() {
        for (String var : List.of("FALCO_HOSTNAME", "HOSTNAME")) {
            String env = System.getenv(var);
            if (env != null && !env.isBlank()) {
                return env;
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
