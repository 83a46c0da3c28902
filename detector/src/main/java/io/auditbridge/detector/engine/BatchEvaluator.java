package io.auditbridge.detector.engine;

import io.auditbridge.core.Event;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.output.AlertOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Evaluates a batch, hands its alerts to the output, and counts events and alerts: what the sink and the webhook share. */
public final class BatchEvaluator implements AutoCloseable {
    private final Detector detector;
    private final AlertOutput output;
    private final PipelineMetrics metrics;

    public BatchEvaluator(Detector detector, AlertOutput output, PipelineMetrics metrics) {
        this.detector = detector;
        this.output = output;
        this.metrics = metrics;
    }

    /**
     * @return the number of alerts, all published
     * @throws IOException when the output failed (nothing is counted then; the caller has the batch retried)
     */
    public int evaluate(List<Event> events) throws IOException, InterruptedException {
        List<Alert> alerts = new ArrayList<>();
        for (Event e : events) {
            detector.evaluate(e, alerts::add);
        }
        try {
            output.publish(alerts);
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
        metrics.counter("auditbridge.detector.events", "Events evaluated by the detector").increment(events.size());
        for (Alert a : alerts) {
            metrics.counter("auditbridge.detector.alerts", "Alerts raised, by priority", "priority", a.priority()).increment();
        }
        return alerts.size();
    }

    public Detector detector() {
        return detector;
    }

    /** Where alerts go, for logs. */
    public String describeOutput() {
        return output.describe();
    }

    @Override
    public void close() throws IOException {
        output.close();
    }
}
