package io.auditbridge.core.sink;

import io.auditbridge.core.Event;
import java.io.IOException;

/**
 * Where what can never be delivered is kept: one NDJSON line per Event or record, with the reason and time.
 * A write that returns has reached the file; a write that throws must be retried by the caller.
 */
public interface DeadLetters extends AutoCloseable {
    /** Keeps an Event the sink refused or that could not be delivered in time. */
    void event(Event event, String reason) throws IOException;

    /** Keeps a record that could not be translated at all (its text, as the translator gave it). */
    void record(String source, String recordId, String reason, String payload) throws IOException;

    @Override
    default void close() throws IOException {}
}
