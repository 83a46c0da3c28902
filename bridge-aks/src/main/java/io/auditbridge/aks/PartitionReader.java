package io.auditbridge.aks;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.models.EventPosition;
import java.util.List;

/** What a backfill needs from Event Hubs: the partitions, where each ends now, and reading from a position. */
interface PartitionReader extends AutoCloseable {
    List<String> partitionIds();

    /** The sequence number of the partition's last message now, or null when the partition is empty. */
    Long lastSequenceNumber(String partition);

    /** Up to {@code max} messages from {@code from}, in order; an empty list when none arrived in time. */
    List<EventData> read(String partition, EventPosition from, int max);

    @Override
    default void close() {}
}
