package io.auditbridge.aks;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubConsumerClient;
import com.azure.messaging.eventhubs.PartitionProperties;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@link PartitionReader} on the synchronous EventHubConsumerClient (no checkpoint store, no ownership). */
final class ConsumerPartitionReader implements PartitionReader {
    private final EventHubConsumerClient client;
    private final Duration maxWait;

    ConsumerPartitionReader(EventHubConsumerClient client, Duration maxWait) {
        this.client = client;
        this.maxWait = maxWait;
    }

    @Override
    public List<String> partitionIds() {
        List<String> ids = new ArrayList<>();
        client.getPartitionIds().forEach(ids::add);
        return ids;
    }

    @Override
    public Long lastSequenceNumber(String partition) {
        PartitionProperties p = client.getPartitionProperties(partition);
        return p.isEmpty() ? null : p.getLastEnqueuedSequenceNumber();
    }

    @Override
    public List<EventData> read(String partition, EventPosition from, int max) {
        List<EventData> out = new ArrayList<>(max);
        for (PartitionEvent e : client.receiveFromPartition(partition, max, from, maxWait)) {
            out.add(e.getData());
        }
        return out;
    }

    @Override
    public void close() {
        client.close();
    }
}
