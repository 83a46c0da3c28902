package io.auditbridge.aks;

import com.azure.messaging.eventhubs.CheckpointStore;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.messaging.eventhubs.models.EventPosition;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the processor will resume each partition, read back from the checkpoint store the same way the
 * EventProcessorClient does (offset, else sequence number; exclusive of the checkpointed message). The
 * {@code run} command logs it at start, so an operator sees which partitions resume and which start fresh.
 */
final class ResumePositions {
    private ResumePositions() {}

    static Map<String, EventPosition> load(CheckpointStore store, String namespace, String eventHub, String consumerGroup,
                                           Duration timeout) {
        Map<String, EventPosition> out = new TreeMap<>();
        for (Checkpoint cp : store.listCheckpoints(namespace, eventHub, consumerGroup).collectList().block(timeout)) {
            EventPosition p = after(cp);
            if (p != null) {
                out.put(cp.getPartitionId(), p);
            }
        }
        return out;
    }

    /** The position just after a checkpoint, or null when it holds neither offset nor sequence number. */
    static EventPosition after(Checkpoint cp) {
        if (cp.getOffsetString() != null) {
            return EventPosition.fromOffsetString(cp.getOffsetString());
        }
        if (cp.getSequenceNumber() != null) {
            return EventPosition.fromSequenceNumber(cp.getSequenceNumber());
        }
        return null;
    }
}
