package io.auditbridge.aks;

import com.azure.messaging.eventhubs.CheckpointStore;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.messaging.eventhubs.models.EventBatchContext;
import com.azure.messaging.eventhubs.models.LastEnqueuedEventProperties;
import com.azure.messaging.eventhubs.models.PartitionContext;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.push.PushDelivery;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EventProcessorClient's batch callback: submits a partition's batch of message bodies to the Pipeline,
 * waits until every Event in it was acknowledged by the sink (or dead-lettered), and only then checkpoints
 * the partition after the batch's last message. Checkpoints therefore never pass undelivered events.
 *
 * <p>It never throws: the processor closes a partition whose callback throws and calls no error handler.
 * A failed delivery is retried here, with backoff, for as long as it takes; the partition stalls meanwhile,
 * which is what we want. {@link #stop()} ends waits and retries without checkpointing, so a restart replays
 * the batch (at-least-once; the Pipeline's dedupe and the detector absorb the repeat).
 */
final class EventHubsBatchHandler implements Consumer<EventBatchContext> {
    private static final Logger log = LoggerFactory.getLogger(EventHubsBatchHandler.class);

    private final PushDelivery<byte[]> delivery;
    private final CheckpointStore checkpoints;
    private final RetryPolicy retry;
    private final Sleeper sleeper;
    private final Clock clock;
    private final PartitionLag lag;
    private final Duration checkpointTimeout;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    /** Partitions with a batch that failed unexpectedly: not checkpointed again until they are reopened. */
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    /** @param delivery the shared hand-off, without a deadline: a partition holds its position until delivered */
    EventHubsBatchHandler(PushDelivery<byte[]> delivery, CheckpointStore checkpoints, RetryPolicy retry, Sleeper sleeper,
                          Clock clock, PartitionLag lag, Duration checkpointTimeout) {
        this.delivery = delivery;
        this.checkpoints = checkpoints;
        this.retry = retry;
        this.sleeper = sleeper;
        this.clock = clock;
        this.lag = lag;
        this.checkpointTimeout = checkpointTimeout;
    }

    /** Ends every wait and retry; batches not yet delivered are not checkpointed. */
    void stop() {
        stopped.complete(null);
        delivery.stop();
    }

    @Override
    public void accept(EventBatchContext batch) {
        String partition = batch.getPartitionContext().getPartitionId();
        try {
            LastEnqueuedEventProperties last = batch.getLastEnqueuedEventProperties();
            if (last != null) {
                lag.lastEnqueued(partition, last.getSequenceNumber());
            }
            if (!batch.getEvents().isEmpty() && deliver(partition, batch.getEvents())) {
                checkpoint(batch.getPartitionContext(), batch.getEvents().getLast());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Not thrown on: that would close the partition without a word. Later batches of this partition are
            // still delivered, but its checkpoint stays before this batch, which is read again when it reopens.
            held.add(partition);
            log.error("batch handler failed partition={}; holding its checkpoint until the partition is reopened", partition, e);
        }
    }

    /** The processor (re)opened {@code partition}: it resumes from its checkpoint, so nothing is held any more. */
    void partitionOpened(String partition) {
        held.remove(partition);
    }

    /** Submits until every event is delivered; false when stopping first. */
    private boolean deliver(String partition, List<EventData> events) throws InterruptedException {
        List<SourceRecord<byte[]>> records = records(partition, events);
        Patience patience = new Patience();
        while (!stopped.isDone()) {
            switch (delivery.deliver(records)) {
                case PushDelivery.Delivered d -> {
                    return true;
                }
                case PushDelivery.NotDelivered n when n.reason() == PushDelivery.Reason.STOPPING -> {
                    return false;
                }
                case PushDelivery.NotDelivered n -> {
                    // Hold the position: no checkpoint, the same batch again after a backoff.
                    Duration wait = patience.next();
                    log.warn("delivery failed partition={} messages={} attempt={}: {}; retrying in {} ms without checkpointing",
                            partition, events.size(), patience.attempts, n.detail(), wait.toMillis());
                    if (!sleeper.sleep(wait)) {
                        return false;
                    }
                }
            }
        }
        return false;
    }

    /**
     * One record per Event Hubs message. The position stays null: the Pipeline does not own this source's
     * checkpoints (the Blob store does, written here after delivery).
     */
    static List<SourceRecord<byte[]>> records(String partition, List<EventData> events) {
        List<SourceRecord<byte[]>> records = new ArrayList<>(events.size());
        for (EventData e : events) {
            records.add(new SourceRecord<>(partition, null, messageId(partition, e), e.getBody()));
        }
        return records;
    }

    /** How a person finds the message again: partition, sequence number and offset. */
    static String messageId(String partition, EventData e) {
        return "partition=" + partition + " seq=" + e.getSequenceNumber() + " offset=" + e.getOffsetString();
    }

    /** The checkpoint just after {@code last}: the processor resumes after it (its position is exclusive). */
    static Checkpoint checkpointAfter(PartitionContext partition, EventData last) {
        return new Checkpoint()
                .setFullyQualifiedNamespace(partition.getFullyQualifiedNamespace())
                .setEventHubName(partition.getEventHubName())
                .setConsumerGroup(partition.getConsumerGroup())
                .setPartitionId(partition.getPartitionId())
                .setSequenceNumber(last.getSequenceNumber())
                .setOffsetString(last.getOffsetString());
    }

    /** Writes the checkpoint, retrying with backoff while the store fails; gives up only when stopping. */
    private void checkpoint(PartitionContext partition, EventData last) throws InterruptedException {
        Checkpoint cp = checkpointAfter(partition, last);
        if (held.contains(partition.getPartitionId())) {
            log.warn("partition={} seq={} delivered but not checkpointed: an earlier batch failed", partition.getPartitionId(),
                    cp.getSequenceNumber());
            return;
        }
        if (cp.getSequenceNumber() == null && cp.getOffsetString() == null) {
            log.error("message without sequence number or offset partition={}: cannot checkpoint", partition.getPartitionId());
            return;
        }
        Patience patience = new Patience();
        while (true) {
            try {
                checkpoints.updateCheckpoint(cp).block(checkpointTimeout);
                lag.processed(partition.getPartitionId(), cp.getSequenceNumber());
                return;
            } catch (RuntimeException e) {
                Duration wait = patience.next();
                log.warn("checkpoint write failed partition={} seq={}: {}; retrying in {} ms", partition.getPartitionId(),
                        cp.getSequenceNumber(), e.getClass().getSimpleName(), wait.toMillis());
                if (stopped.isDone() || !sleeper.sleep(wait)) {
                    return;
                }
            }
        }
    }

    /** Backoff that never gives up: a partition waits for its sink or store as long as it takes. */
    private final class Patience {
        private RetryPolicy.Backoff backoff = retry.start(clock.millis());
        private int attempts;

        Duration next() {
            attempts++;
            Duration wait = backoff.next(clock.millis(), null);
            if (wait == null) {
                // The policy's retry budget bounds one Pipeline delivery; a partition never gives up, so start over.
                backoff = retry.start(clock.millis());
                wait = backoff.next(clock.millis(), null);
            }
            return wait;
        }
    }
}
