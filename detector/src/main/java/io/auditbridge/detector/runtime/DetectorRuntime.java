package io.auditbridge.detector.runtime;

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
        GapReporter gaps = new GapReporter(metrics, settings.logGaps);
        ReloadingDetector detector;
        try {
            detector = new ReloadingDetector(settings.rulesSources(), rules -> new Detector(rules, options, gaps), metrics);
        } catch (RulesException | IllegalArgumentException e) {
            throw new SettingException("rules", e.getMessage());
        }
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

    @Override
    public void close() throws IOException {
        detector.close();
        output.close();
    }
}
