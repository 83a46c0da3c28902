package io.auditbridge.aks;

import com.azure.messaging.eventhubs.EventData;
import java.time.Instant;

/**
 * An Event Hubs message as the broker hands it over: a body plus the sequence number, offset and enqueued
 * time the broker sets. EventData's constructor for those is package-private, so tests override the getters.
 */
class PositionedEventData extends EventData {
    private final long sequenceNumber;
    private final Instant enqueued;

    PositionedEventData(byte[] body, long sequenceNumber, Instant enqueued) {
        super(body);
        this.sequenceNumber = sequenceNumber;
        this.enqueued = enqueued;
    }

    @Override
    public Long getSequenceNumber() {
        return sequenceNumber;
    }

    /** Offsets grow with the bytes before the message; 1000 per message is enough for the tests. */
    @Override
    public String getOffsetString() {
        return String.valueOf(sequenceNumber * 1000);
    }

    @Override
    public Long getOffset() {
        return sequenceNumber * 1000;
    }

    @Override
    public Instant getEnqueuedTime() {
        return enqueued;
    }
}
