package io.auditbridge.core;

import java.io.IOException;
import java.util.List;

/**
 * Delivers batches of Events and says how it went. Called from the pipeline's delivery threads, at most
 * {@link #maxConcurrentDeliveries()} batches at a time; the pipeline owns retries, splitting, dead-lettering and
 * acknowledgement.
 */
public interface Sink extends AutoCloseable {
    /**
     * Delivers {@code events} (never empty) and answers: {@link DeliveryResult.Delivered} when the receiver
     * took all of them; {@link DeliveryResult.Retry} when the same batch may succeed later (IO errors,
     * 408, 429, 5xx); {@link DeliveryResult.Rejected} when the receiver refuses this content and retrying the
     * same bytes cannot help (the pipeline then splits the batch to isolate the refused events).
     *
     * <p>Must not throw for delivery failures; a thrown RuntimeException is treated as Retry.
     */
    DeliveryResult deliver(List<Event> events) throws InterruptedException;

    /**
     * How many batches the pipeline may hand over at once, each from its own thread. The default, 1, delivers
     * one batch at a time in submission order (a console must keep its output in order). A sink answering more
     * than 1 must be thread-safe; its batches may then arrive out of order.
     */
    default int maxConcurrentDeliveries() {
        return 1;
    }

    /** For {@code /readyz}: whether the sink can be used. Cheap; never blocks. */
    default boolean isReady() {
        return true;
    }

    /** A short description for logs, without secrets. */
    default String describe() {
        return getClass().getSimpleName();
    }

    /** Flushes and releases; the only checked failure is an I/O one (a console sink's stream). */
    @Override
    default void close() throws IOException {}
}
