package io.auditbridge.detector.sink;

import io.auditbridge.core.Sink;
import io.auditbridge.core.SinkProvider;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.config.DetectorSettings;
import io.auditbridge.detector.config.FalcoYaml;
import io.auditbridge.detector.config.OutputSpec;
import io.auditbridge.detector.engine.RuleMatching;
import io.auditbridge.detector.output.FailurePolicy;
import io.auditbridge.detector.rules.Priority;
import io.auditbridge.detector.runtime.DetectorRuntime;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code --sink embedded} for every bridge. Options ({@code --sink-option key=value}), each the same as the
 * detector's flag of that name:
 * {@code config=FILE} (falco.yaml-style, read first), {@code rules=ENTRY[:ENTRY…]} (path-separator list of
 * {@code bundled}, files and directories, in order; default bundled), {@code rule-matching=first|all} (default first),
 * {@code disable-rule=S[;S…]}, {@code disable-tag=T[;T…]}, {@code enable-tag=T[;T…]}, {@code min-priority=P},
 * {@code alerts=OUT[;OUT…]} (stdout, file:PATH, program:CMD, http(s)://URL; default stdout),
 * {@code alerts-on-failure=block|drop}, {@code alerts-retries=N}, {@code hostname=NAME},
 * {@code watch-rules=true|false} (default true), {@code log-gaps=true|false}.
 */
public final class EmbeddedSinkProvider implements SinkProvider {
    private static final Set<String> KEYS = new TreeSet<>(Set.of("config", "rules", "rule-matching", "disable-rule", "disable-tag",
            "enable-tag", "min-priority", "alerts", "alerts-on-failure", "alerts-retries", "hostname", "watch-rules", "log-gaps",
            "correlation-lateness", "max-correlation-groups"));

    @Override
    public String name() {
        return "embedded";
    }

    @Override
    public Sink create(Map<String, String> options, PipelineMetrics metrics) {
        for (String k : options.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown option '" + k + "' for the embedded sink (known: " + KEYS + ")");
            }
        }
        DetectorSettings s = settings(options);
        try {
            return new EmbeddedSink(DetectorRuntime.start(s, metrics));
        } catch (DetectorRuntime.SettingException e) {
            String key = switch (e.setting()) {
                case "rules" -> "rules";
                case "alerts" -> "alerts";
                case "correlations" -> "max-correlation-groups";
                default -> "enable-tag";
            };
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    static DetectorSettings settings(Map<String, String> o) {
        DetectorSettings s = new DetectorSettings();
        s.watchRules = true;
        if (o.containsKey("config")) {
            FalcoYaml.apply(Path.of(o.get("config")), s);
        }
        if (o.containsKey("rules") && !o.get("rules").isBlank()) {
            s.rules = Arrays.stream(o.get("rules").split(File.pathSeparator)).map(String::strip).toList();
        }
        try {
            if (o.containsKey("rule-matching")) {
                s.matching = RuleMatching.parse(o.get("rule-matching"));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rule-matching: " + e.getMessage());
        }
        try {
            if (o.containsKey("min-priority")) {
                s.minPriority = Priority.parse(o.get("min-priority"));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("min-priority: " + e.getMessage());
        }
        s.disabledNames.addAll(list(o.get("disable-rule")));
        s.disabledTags.addAll(list(o.get("disable-tag")));
        s.enabledTags.addAll(list(o.get("enable-tag")));
        FailurePolicy policy;
        try {
            policy = FailurePolicy.parse(o.getOrDefault("alerts-on-failure", "block"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("alerts-on-failure: " + e.getMessage());
        }
        int retries;
        try {
            retries = Integer.parseInt(o.getOrDefault("alerts-retries", Integer.toString(OutputSpec.DEFAULT_RETRIES)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("alerts-retries: not a number");
        }
        if (o.containsKey("alerts")) {
            s.outputs(list(o.get("alerts")), policy, retries);
        } else if (o.containsKey("alerts-on-failure") || o.containsKey("alerts-retries")) {
            List<OutputSpec> specs = new ArrayList<>();
            for (OutputSpec spec : s.outputSpecs()) {
                specs.add(new OutputSpec(spec.target(), policy, retries, spec.keepAlive()));
            }
            s.outputs = specs;
        }
        if (o.containsKey("hostname")) {
            s.hostname = o.get("hostname");
        }
        s.logGaps = s.logGaps || Boolean.parseBoolean(o.getOrDefault("log-gaps", "false"));
        if (o.containsKey("watch-rules")) {
            s.watchRules = Boolean.parseBoolean(o.get("watch-rules"));
        }
        s.watchInterval = Duration.ofSeconds(2);
        try {
            if (o.containsKey("correlation-lateness")) {
                s.correlationLateness = io.auditbridge.core.cli.Durations.parse(o.get("correlation-lateness"));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("correlation-lateness: " + e.getMessage());
        }
        try {
            if (o.containsKey("max-correlation-groups")) {
                s.maxCorrelationGroups = Integer.parseInt(o.get("max-correlation-groups"));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("max-correlation-groups: not a number");
        }
        return s;
    }

    private static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(";")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    /** The host name Falco would print. @see DetectorSettings#localHostname() */
    public static String localHostname() {
        return DetectorSettings.localHostname();
    }
}
