package io.auditbridge.detector.cli;

import io.auditbridge.core.cli.ConfigException;
import io.auditbridge.core.cli.HelpGroup;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.config.DetectorSettings;
import io.auditbridge.detector.config.FalcoYaml;
import io.auditbridge.detector.config.OutputSpec;
import io.auditbridge.detector.engine.RuleMatching;
import io.auditbridge.detector.output.FailurePolicy;
import io.auditbridge.detector.rules.Priority;
import io.auditbridge.detector.runtime.DetectorRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Rules, matching, selection and alert outputs, shared by {@code evaluate} and {@code serve}; each mirrors a
 * Falco flag or falco.yaml key. A {@code --config} file is read first; flags given on top override it.
 */
@HelpGroup(HelpGroup.Section.DETECTOR)
public final class DetectorOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "A falco.yaml-style file: rules_files, rule_matching, priority, append_output, stdout_output, file_output, http_output, program_output, watch_config_files. Flags override it. Env: AUDITBRIDGE_CONFIG.")
    Path config;

    @Option(names = "--rules", paramLabel = "bundled|FILE|DIR", split = ",",
            description = "Rules to load, repeatable, in order (later ones append/override): 'bundled' (the product's rules), a file, or a directory (its files in name order, like rules.d). Default: bundled. Env: AUDITBRIDGE_RULES (comma-separated).")
    List<String> rules = new ArrayList<>();

    @Option(names = "--rule-matching", paramLabel = "first|all",
            description = "Falco's rule_matching: 'first' (default) raises one alert per event, for the first matching rule in load order; 'all' one per matching rule. Env: AUDITBRIDGE_RULE_MATCHING.")
    String ruleMatching;

    @Option(names = {"-D", "--disable-rule"}, paramLabel = "SUBSTRING",
            description = "Disable every rule whose name contains SUBSTRING (Falco's -D), repeatable.")
    List<String> disableRules = new ArrayList<>();

    @Option(names = {"-T", "--disable-tag"}, paramLabel = "TAG", split = ",", description = "Disable every rule with this tag (Falco's -T), repeatable.")
    List<String> disableTags = new ArrayList<>();

    @Option(names = {"-t", "--enable-tag"}, paramLabel = "TAG", split = ",",
            description = "Run only rules with this tag (Falco's -t), repeatable; not with -D/-T.")
    List<String> enableTags = new ArrayList<>();

    @Option(names = "--min-priority", paramLabel = "PRIORITY",
            description = "Run only rules at least this severe (falco.yaml 'priority'): emergency … debug (default debug). Env: AUDITBRIDGE_MIN_PRIORITY.")
    String minPriority;

    @Option(names = "--alerts", paramLabel = "stdout|file:PATH|program:CMD|URL",
            description = "An alert output, repeatable (all get every alert): stdout (NDJSON, default), file:PATH (NDJSON appended), program:CMD (each alert's JSON piped to CMD, as Falco's program_output), or an http(s) URL (one POST per alert; Falcosidekick). Env: AUDITBRIDGE_ALERTS.")
    List<String> alerts = new ArrayList<>();

    @Option(names = "--alerts-on-failure", paramLabel = "block|drop",
            description = "When an output still fails after its retries: 'block' (default) fails the batch (the sink retries it, serve answers 503, evaluate exits 1); 'drop' counts the alerts in auditbridge_detector_alerts_dropped_total and goes on. Env: AUDITBRIDGE_ALERTS_ON_FAILURE.")
    String onFailure;

    @Option(names = "--alerts-retries", paramLabel = "N", description = "Retries per output before on-failure applies (default 3, doubling from 200 ms).")
    Integer retries;

    @Option(names = "--hostname", paramLabel = "NAME",
            description = "The alerts' hostname (default: $FALCO_HOSTNAME, $HOSTNAME or the local host name). The alert time is always the event's. Env: AUDITBRIDGE_HOSTNAME.")
    String hostname;

    @Option(names = "--log-gaps", description = "Log each rule not evaluated because the event declares a field it reads missing (always counted). Env: AUDITBRIDGE_LOG_GAPS.")
    boolean logGaps;

    @Option(names = "--watch-rules", arity = "1", paramLabel = "true|false",
            description = "Reload the rules when a rules file changes (falco.yaml watch_config_files); the new set is validated first, on error the old one stays. Default: true for serve, false for evaluate. Env: AUDITBRIDGE_WATCH_RULES.")
    Boolean watchRules;

    @Option(names = "--correlation-lateness", paramLabel = "DURATION", converter = io.auditbridge.core.cli.Durations.class,
            description = "How long correlation windows wait for events that arrive late, in event time (default 3m); an older event is counted as late and not correlated. Env: AUDITBRIDGE_CORRELATION_LATENESS.")
    java.time.Duration correlationLateness;

    @Option(names = "--max-correlation-groups", paramLabel = "N",
            description = "At most N live correlation groups (default 100000); the least recently used is evicted and counted. Env: AUDITBRIDGE_MAX_CORRELATION_GROUPS.")
    Integer maxCorrelationGroups;

    @Option(names = "--watch-rules-interval", paramLabel = "DURATION", converter = io.auditbridge.core.cli.Durations.class,
            description = "How often the rules files are checked for changes (default 2s).")
    java.time.Duration watchInterval;

    /** The settings from {@code --config}, then the flags. @throws ConfigException naming the option */
    DetectorSettings settings(boolean watchByDefault) {
        DetectorSettings s = new DetectorSettings();
        s.watchRules = watchByDefault;
        if (config != null) {
            try {
                FalcoYaml.apply(config, s);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--config", e.getMessage());
            }
        }
        if (!rules.isEmpty()) {
            s.rules = rules;
        }
        if (ruleMatching != null) {
            try {
                s.matching = RuleMatching.parse(ruleMatching);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--rule-matching", e.getMessage());
            }
        }
        if (minPriority != null) {
            try {
                s.minPriority = Priority.parse(minPriority);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--min-priority", e.getMessage());
            }
        }
        s.disabledNames.addAll(disableRules);
        s.disabledTags.addAll(disableTags);
        s.enabledTags.addAll(enableTags);
        FailurePolicy policy;
        try {
            policy = onFailure == null ? FailurePolicy.BLOCK : FailurePolicy.parse(onFailure);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--alerts-on-failure", e.getMessage());
        }
        if (retries != null && retries < 0) {
            throw new ConfigException("--alerts-retries", "must be 0 or more");
        }
        int r = retries == null ? OutputSpec.DEFAULT_RETRIES : retries;
        if (!alerts.isEmpty()) {
            s.outputs(alerts, policy, r);
        } else if (onFailure != null || retries != null) {
            List<OutputSpec> specs = new ArrayList<>();
            for (OutputSpec o : s.outputSpecs()) {
                specs.add(new OutputSpec(o.target(), onFailure != null ? policy : o.onFailure(), retries != null ? r : o.retries(), o.keepAlive()));
            }
            s.outputs = specs;
        }
        if (hostname != null) {
            s.hostname = hostname;
        }
        s.logGaps = s.logGaps || logGaps;
        if (watchRules != null) {
            s.watchRules = watchRules;
        }
        if (watchInterval != null) {
            if (watchInterval.isNegative() || watchInterval.isZero()) {
                throw new ConfigException("--watch-rules-interval", "must be positive");
            }
            s.watchInterval = watchInterval;
        }
        if (correlationLateness != null) {
            if (correlationLateness.isNegative()) {
                throw new ConfigException("--correlation-lateness", "must not be negative");
            }
            s.correlationLateness = correlationLateness;
        }
        if (maxCorrelationGroups != null) {
            if (maxCorrelationGroups < 1) {
                throw new ConfigException("--max-correlation-groups", "must be at least 1");
            }
            s.maxCorrelationGroups = maxCorrelationGroups;
        }
        return s;
    }

    /** Loads the rules and opens the outputs. @throws ConfigException naming the option at fault */
    DetectorRuntime runtime(PipelineMetrics metrics, boolean watchByDefault) {
        DetectorSettings s = settings(watchByDefault);
        try {
            return DetectorRuntime.start(s, metrics);
        } catch (DetectorRuntime.SettingException e) {
            String option = switch (e.setting()) {
                case "rules" -> "--rules";
                case "alerts" -> "--alerts";
                case "correlations" -> maxCorrelationGroups != null ? "--max-correlation-groups" : "--correlation-lateness";
                default -> enableTags.isEmpty() ? "--rules" : "--enable-tag";
            };
            throw new ConfigException(option, e.getMessage());
        }
    }
}
