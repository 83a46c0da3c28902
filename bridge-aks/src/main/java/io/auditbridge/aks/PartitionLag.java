package io.auditbridge.aks;

import io.auditbridge.core.ops.PipelineMetrics;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-partition lag, {@code auditbridge_aks_partition_lag_events{partition}}: the last sequence number the hub
 * holds minus the last one this bridge delivered and checkpointed. Grows while the webhook is down.
 */
final class PartitionLag {
    private final PipelineMetrics metrics;
    private final ConcurrentHashMap<String, Positions> partitions = new ConcurrentHashMap<>();

    PartitionLag(PipelineMetrics metrics) {
        this.metrics = metrics;
    }

    private static final class Positions {
        volatile long lastEnqueued = -1;
        volatile long processed = -1;

        double lag() {
            if (lastEnqueued < 0) {
                return Double.NaN;
            }
            return Math.max(0, lastEnqueued - processed);
        }
    }

    private Positions of(String partition) {
        return partitions.computeIfAbsent(partition, p -> {
            Positions pos = new Positions();
            metrics.gauge("auditbridge.aks.partition.lag.events",
                    "Last enqueued sequence number of the partition minus the last delivered and checkpointed one",
                    pos::lag, "partition", p);
            return pos;
        });
    }

    void lastEnqueued(String partition, Long sequenceNumber) {
        if (sequenceNumber != null) {
            of(partition).lastEnqueued = sequenceNumber;
        }
    }

    void processed(String partition, Long sequenceNumber) {
        if (sequenceNumber != null) {
            of(partition).processed = sequenceNumber;
        }
    }

    /** The current lag of {@code partition}, NaN when the hub's last sequence number is not known yet. */
    double lag(String partition) {
        Positions p = partitions.get(partition);
        return p == null ? Double.NaN : p.lag();
    }
}
