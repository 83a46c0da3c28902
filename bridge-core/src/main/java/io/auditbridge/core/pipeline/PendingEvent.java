package io.auditbridge.core.pipeline;

import io.auditbridge.core.Event;

/** An Event on its way to the sink, with the record it belongs to (its acknowledgement travels with it). */
record PendingEvent(Event event, int size, AckLedger.Entry record) {
    static PendingEvent of(Event event, AckLedger.Entry record) {
        return new PendingEvent(event, event.size(), record);
    }
}
