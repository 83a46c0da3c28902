package io.auditbridge.detector.sink;

import io.auditbridge.core.DeliveryResult;
import io.auditbridge.core.Event;
import io.auditbridge.core.Sink;
import io.auditbridge.detector.engine.BatchEvaluator;
import java.io.IOException;
import java.util.List;

/**
 * Evaluates each batch in-process and hands the alerts to the alert output. A batch counts as delivered once
 * its alerts are out; if the output fails the batch is retried (alerts may then repeat: at-least-once, like
 * every other sink).
 */
public final class EmbeddedSink implements Sink {
    private final BatchEvaluator evaluator;

    public EmbeddedSink(BatchEvaluator evaluator) {
        this.evaluator = evaluator;
    }

    @Override
    public DeliveryResult deliver(List<Event> events) throws InterruptedException {
        try {
            evaluator.evaluate(events);
            return DeliveryResult.DELIVERED;
        } catch (IOException e) {
            return DeliveryResult.retry("alert output " + evaluator.describeOutput() + " failed: " + e.getMessage());
        }
    }

    @Override
    public String describe() {
        return "embedded detector (" + evaluator.detector().rules().enabledRules().size() + " rules) → " + evaluator.describeOutput();
    }

    @Override
    public void close() throws IOException {
        evaluator.close();
    }
}
