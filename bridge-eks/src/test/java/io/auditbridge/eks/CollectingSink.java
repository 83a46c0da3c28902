package io.auditbridge.eks;

import io.auditbridge.core.DeliveryResult;
import io.auditbridge.core.Event;
import io.auditbridge.core.Sink;
import java.util.ArrayList;
import java.util.List;

/** A sink that keeps what it was given (unit tests of our own wiring only). */
final class CollectingSink implements Sink {
    private final List<Event> events = new ArrayList<>();

    @Override
    public synchronized DeliveryResult deliver(List<Event> batch) {
        events.addAll(batch);
        return DeliveryResult.DELIVERED;
    }

    @Override
    public void close() {}

    synchronized List<String> auditIds() {
        return events.stream().map(Event::auditId).toList();
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }
}
