package io.auditbridge.detector.sink;

import io.auditbridge.core.DeliveryResult;
import io.auditbridge.core.Event;
import io.auditbridge.core.Sink;
import io.auditbridge.detector.engine.BatchEvaluator;
import io.auditbridge.detector.runtime.DetectorRuntime;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Evaluates each batch in-process and hands the alerts to the alert outputs. A batch counts as delivered once
 * its alerts are out; if an output with on-failure=block fails the batch is retried (alerts may then repeat:
 * at-least-once, like every other sink) and no position moves past it.
 */
public final class EmbeddedSink implements Sink {
    private final BatchEvaluator evaluator;
    /** What close() releases: the evaluator, or the whole runtime that owns it. */
    private final Closeable owned;

    public EmbeddedSink(BatchEvaluator evaluator) {
        this.evaluator = evaluator;
        this.owned = evaluator::close;
    }

    public EmbeddedSink(DetectorRuntime runtime) {
        this.evaluator = runtime.evaluator();
        this.owned = runtime::close;
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

    /** The evaluator, for whoever wants to publish further alerts through the same outputs and metrics. */
    public BatchEvaluator evaluator() {
        return evaluator;
    }

    @Override
    public String describe() {
        return "embedded detector (" + evaluator.detector().selectedRules().size() + " rules, rule_matching "
                + evaluator.detector().options().matching().name().toLowerCase(java.util.Locale.ROOT) + ") → " + evaluator.describeOutput();
    }

    @Override
    public void close() throws IOException {
        owned.close();
    }
}
