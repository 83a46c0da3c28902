package io.auditbridge.core.testing;

import io.auditbridge.core.DeliveryResult;
import io.auditbridge.core.Event;
import io.auditbridge.core.Sink;
import io.auditbridge.core.SinkProvider;
import io.auditbridge.core.ops.PipelineMetrics;
import java.util.List;
import java.util.Map;

/**
 * {@code --sink error-after --sink-option batches=N}: takes N batches, then throws an {@link Error} on the delivery
 * thread, so the crash tests can check what a real process does with one (test classpath only).
 */
public final class ErrorThrowingSinkProvider implements SinkProvider {
    @Override
    public String name() {
        return "error-after";
    }

    @Override
    public Sink create(Map<String, String> options, PipelineMetrics metrics) {
        int batches = Integer.parseInt(options.getOrDefault("batches", "1"));
        return new Sink() {
            private int delivered;

            @Override
            public DeliveryResult deliver(List<Event> events) {
                if (delivered++ >= batches) {
                    throw new StackOverflowError("test: an Error on the delivery thread");
                }
                return DeliveryResult.DELIVERED;
            }
        };
    }
}
