package io.auditbridge.detector.sink;

import io.auditbridge.core.DeliveryResult;
import io.auditbridge.core.Event;
import io.auditbridge.core.Sink;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.engine.Alert;
import io.auditbridge.detector.engine.Detector;
import io.auditbridge.detector.output.AlertOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates each batch in-process and hands the alerts to an {@link AlertOutput}. A batch counts as
 * delivered once its alerts are out; if the output fails the batch is retried (alerts may then repeat:
 * at-least-once, like every other sink).
 */
public final class EmbeddedSink implements Sink {
    private final Detector detector;
    private final AlertOutput output;
    private final PipelineMetrics metrics;

    public EmbeddedSink(Detector detector, AlertOutput output, PipelineMetrics metrics) {
        this.detector = detector;
        this.output = output;
        this.metrics = metrics;
    }

    @Override
    public DeliveryResult deliver(List<Event> events) throws InterruptedException {
        List<Alert> alerts = new ArrayList<>();
        for (Event e : events) {
            detector.evaluate(e, alerts::add);
        }
        try {
            output.publish(alerts);
        } catch (IOException | RuntimeException e) {
            return DeliveryResult.retry("alert output " + output.describe() + " failed: " + e.getMessage());
        }
        metrics.counter("auditbridge.detector.events", "Events evaluated by the embedded detector").increment(events.size());
        for (Alert a : alerts) {
            metrics.counter("auditbridge.detector.alerts", "Alerts raised, by priority", "priority", a.priority()).increment();
        }
        return DeliveryResult.DELIVERED;
    }

    @Override
    public String describe() {
        return "embedded detector (" + detector.rules().enabledRules().size() + " rules) → " + output.describe();
    }

    @Override
    public void close() throws IOException {
        output.close();
    }
}
