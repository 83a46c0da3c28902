package io.auditbridge.detector.engine;

import io.auditbridge.core.Event;
import io.auditbridge.core.ops.PipelineMetrics;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts rules that could not be decided because the event declared a field they read missing
 * ({@code auditbridge.io/missing}): {@code auditbridge.rules.not_evaluated{rule}}; optionally logs each one.
 */
public final class GapReporter implements Detector.GapListener {
    private static final Logger log = LoggerFactory.getLogger(GapReporter.class);
    public static final String METRIC = "auditbridge.rules.not_evaluated";

    private final PipelineMetrics metrics;
    private final boolean logEach;

    public GapReporter(PipelineMetrics metrics, boolean logEach) {
        this.metrics = metrics;
        this.logEach = logEach;
    }

    @Override
    public void notEvaluated(CompiledRule rule, Event event, Set<String> missing) {
        metrics.counter(METRIC, "Rules not evaluated because the event lacks a field they read", "rule", rule.name()).increment();
        if (logEach) {
            log.info("rule '{}' not evaluated for auditID={} stage={}: the source could not carry {}",
                    rule.name(), event.auditId(), event.stage(), missing);
        }
    }
}
