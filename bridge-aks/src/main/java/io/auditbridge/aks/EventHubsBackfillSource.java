package io.auditbridge.aks;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.models.EventPosition;
import io.auditbridge.core.Source;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.TransientSourceException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-shot read of every partition between two enqueued times, one partition after the other. A partition
 * ends at the first message enqueued at or after {@code until}, at the last message it held when the backfill
 * started, or when a read returns nothing. Positions are not kept: a backfill is re-run with the same window.
 */
final class EventHubsBackfillSource implements Source<byte[]> {
    private static final Logger log = LoggerFactory.getLogger(EventHubsBackfillSource.class);

    private final PartitionReader reader;
    private final List<String> partitions;
    private final Instant since;
    private final Instant until;
    private final int maxMessages;
    private final Deque<String> pending = new ArrayDeque<>();
    private String current;
    private Long end;
    private EventPosition next;
    private int emptyReads;
    /** Empty reads in a row before the end sequence number that fail the backfill (each after the runner's backoff). */
    static final int MAX_EMPTY_READS = 8;

    EventHubsBackfillSource(PartitionReader reader, List<String> partitions, Instant since, Instant until, int maxMessages) {
        this.reader = reader;
        this.partitions = List.copyOf(partitions);
        this.since = since;
        this.until = until;
        this.maxMessages = maxMessages;
    }

    @Override
    public void start(Map<String, String> committed) {
        pending.addAll(partitions.isEmpty() ? reader.partitionIds() : partitions);
        log.info("backfill of partitions {} from {} until {}", pending, since, until);
    }

    /**
     * @throws TransientSourceException when a read came back empty before the partition's end sequence number
     *                                  (recorded at start): the runner backs off and polls again
     * @throws IllegalStateException    when that kept happening: the backfill fails (non-zero) rather than
     *                                  silently end a partition early
     */
    @Override
    public List<SourceRecord<byte[]>> poll() throws TransientSourceException {
        while (true) {
            if (current == null && !openNext()) {
                return null;
            }
            List<EventData> batch = reader.read(current, next, maxMessages);
            List<SourceRecord<byte[]>> records = new ArrayList<>(batch.size());
            boolean done = batch.isEmpty() && nothingInRange();
            if (batch.isEmpty() && !done) {
                emptyReads++;
                String why = "backfill partition " + current + ": empty read before sequence number " + end
                        + " (the partition's last message when the backfill started)";
                if (emptyReads > MAX_EMPTY_READS) {
                    throw new IllegalStateException(why + "; gave up after " + emptyReads + " reads, the partition is not finished");
                }
                throw new TransientSourceException(why, null);
            }
            if (!batch.isEmpty()) {
                emptyReads = 0;
            }
            for (EventData e : batch) {
                if (!e.getEnqueuedTime().isBefore(until) || e.getSequenceNumber() > end) {
                    done = true;
                    break;
                }
                records.add(new SourceRecord<>(current, String.valueOf(e.getSequenceNumber()),
                        EventHubsBatchHandler.messageId(current, e), e.getBody()));
                next = EventPosition.fromSequenceNumber(e.getSequenceNumber());
                done = e.getSequenceNumber().equals(end);
            }
            if (done) {
                log.info("backfill partition {} done", current);
                current = null;
            }
            if (!records.isEmpty()) {
                return records;
            }
        }
    }

    /**
     * After an empty first read (from {@code since}): true when the partition's last message at start is older
     * than {@code since}, so there is nothing to read; false when the read should have returned something.
     */
    private boolean nothingInRange() {
        if (next.getEnqueuedDateTime() == null) {
            return false; // reading on from a sequence number below the end: messages are there
        }
        List<EventData> last = reader.read(current, EventPosition.fromSequenceNumber(end - 1), 1);
        return !last.isEmpty() && last.getFirst().getSequenceNumber().equals(end) && last.getFirst().getEnqueuedTime().isBefore(since);
    }

    /** Moves to the next non-empty partition; false when all are done. */
    private boolean openNext() {
        while (!pending.isEmpty()) {
            String p = pending.poll();
            Long last = reader.lastSequenceNumber(p);
            if (last == null) {
                log.info("backfill partition {} is empty", p);
                continue;
            }
            current = p;
            end = last;
            emptyReads = 0;
            next = EventPosition.fromEnqueuedTime(since);
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        reader.close();
    }
}
