package io.auditbridge.core.testing;

import io.auditbridge.core.DeliveryResult;
import io.auditbridge.core.Sink;
import io.auditbridge.core.SinkProvider;
import io.auditbridge.core.ops.PipelineMetrics;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code --sink ack}: acknowledges every batch at once and only counts its events, so a whole-process test
 * measures the source and the pipeline rather than a webhook (test classpath only).
 */
public final class AckOnlySinkProvider implements SinkProvider {
    /** Events acknowledged by every {@code ack} sink of this process. */
    public static final AtomicLong ACKNOWLEDGED = new AtomicLong();

    @Override
    public String name() {
        return "ack";
    }

    @Override
    public Sink create(Map<String, String> options, PipelineMetrics metrics) {
        return events -> {
            ACKNOWLEDGED.addAndGet(events.size());
            return DeliveryResult.DELIVERED;
        };
    }
}
