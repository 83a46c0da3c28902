package io.auditbridge.detector.runtime;

import org.slf4j.LoggerFactory;
import org.slf4j.Logger;
import io.auditbridge.detector.rules.RulesSources;
import io.auditbridge.detector.rules.RuleSet;
import io.auditbridge.detector.correlation.CorrelationRule;
import io.auditbridge.detector.correlation.CorrelationEngine;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.config.DetectorSettings;
import io.auditbridge.detector.config.OutputSpec;
import io.auditbridge.detector.engine.BatchEvaluator;
import io.auditbridge.detector.engine.Detector;
import io.auditbridge.detector.engine.EngineOptions;
import io.auditbridge.detector.engine.GapReporter;
import io.auditbridge.detector.output.AlertOutput;
import io.auditbridge.detector.output.AlertOutputs;
import io.auditbridge.detector.output.RetryingOutput;
import io.auditbridge.detector.rules.RulesException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A running detector assembled from {@link DetectorSettings}: the (reloadable) rules, the outputs, and the
 * evaluator that joins them. The one assembly every entry point uses, and the seam for other engines (a
 * correlation engine) to publish their alerts through the same outputs and metrics ({@link #evaluator()}).
 */
public final class DetectorRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DetectorRuntime.class);
    /** Names the setting a problem came from, for the caller's one-line configuration error. */
    public static final class SettingException extends RuntimeException {
        private final String setting;

        SettingException(String setting, String problem) {
            super(problem);
            this.setting = setting;
        }

        public String setting() {
            return setting;
        }
    }

    private final ReloadingDetector detector;
    private final AlertOutput output;
    private final BatchEvaluator evaluator;

    private DetectorRuntime(ReloadingDetector detector, AlertOutput output, PipelineMetrics metrics) {
        this.detector = detector;
        this.output = output;
        this.evaluator = new BatchEvaluator(detector, output, metrics);
    }

    /** @throws SettingException naming the setting ({@code rules}, {@code alerts}, {@code rule selection}) that is unusable */
    public static DetectorRuntime start(DetectorSettings settings, PipelineMetrics metrics) {
        EngineOptions options;
        try {
            options = settings.engineOptions();
        } catch (IllegalArgumentException e) {
            throw new SettingException("rule selection", e.getMessage());
        }
        CorrelationEngine.Settings correlationSettings;
        try {
            correlationSettings = settings.correlationSettings();
        } catch (IllegalArgumentException e) {
            throw new SettingException("correlations", e.getMessage());
        }
        GapReporter gaps = new GapReporter(metrics, settings.logGaps);
        RulesSources sources = settings.rulesSources();
        ReloadingDetector detector;
        try {
            // A reload builds a new engine: correlation windows start afresh with the new rules.
            detector = new ReloadingDetector(sources, rules -> new Detector(rules, options, gaps,
                    correlations(sources.correlations(rules), rules, options, correlationSettings, metrics)), metrics);
        } catch (RulesException | IllegalArgumentException e) {
            throw new SettingException("rules", e.getMessage());
        }
        metrics.gauge("auditbridge.correlation.groups", "Live correlation groups (bounded by --max-correlation-groups)", () -> {
            CorrelationEngine engine = detector.get().correlations();
            return engine == null ? 0 : engine.liveGroups();
        });
        List<RetryingOutput> outputs = new ArrayList<>();
        try {
            for (OutputSpec spec : settings.outputSpecs()) {
                outputs.add(spec.open(metrics, settings.retryBackoff));
            }
        } catch (RuntimeException e) {
            outputs.forEach(o -> {
                try {
                    o.close();
                } catch (IOException ignored) {
                    // already failing; the configuration error is what gets reported
                }
            });
            detector.close();
            throw new SettingException("alerts", e.getMessage());
        }
        AlertOutput output = outputs.size() == 1 ? outputs.get(0) : new AlertOutputs(outputs);
        if (settings.watchRules) {
            detector.watch(settings.watchInterval);
        }
        return new DetectorRuntime(detector, output, metrics);
    }

    /** The selected correlation rules in an engine, or null when none is selected. */
    private static CorrelationEngine correlations(List<CorrelationRule> loaded, RuleSet rules, EngineOptions options,
                                                  CorrelationEngine.Settings settings, PipelineMetrics metrics) {
        List<CorrelationRule> selected = loaded.stream()
                .filter(c -> options.selection().selects(c.name(), c.tags(), c.priority(), c.enabled())).toList();
        if (!selected.isEmpty()) {
            log.info("{} correlation rules selected of {} loaded (allowed lateness {}, at most {} groups)", selected.size(),
                    loaded.size(), settings.allowedLateness(), settings.maxGroups());
        }
        return selected.isEmpty() ? null : new CorrelationEngine(selected, rules.fields(), settings, options.hostname(), metrics);
    }

    public BatchEvaluator evaluator() {
        return evaluator;
    }

    /** The detector now in force (it changes when the rules are reloaded). */
    public Detector detector() {
        return detector.get();
    }

    public ReloadingDetector reloading() {
        return detector;
    }

    public AlertOutput output() {
        return output;
    }

    /** Raises what the correlations still hold (an end of input or a shutdown), then stops the watcher and outputs. */
    @Override
    public void close() throws IOException {
        try {
            evaluator.flush();
        } catch (IOException | RuntimeException e) {
            log.warn("correlation alerts raised at shutdown could not be published: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        detector.close();
        output.close();
    }
}
