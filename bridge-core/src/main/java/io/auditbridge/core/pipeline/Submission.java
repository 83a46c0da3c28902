package io.auditbridge.core.pipeline;

import io.auditbridge.core.DeliveryFailedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What became of one {@link Pipeline#submit} call: {@link #done()} completes once every record in it is
 * finished (its events acknowledged by the sink, dead-lettered, or deduplicated), and completes exceptionally
 * with {@link DeliveryFailedException} when an event could not be delivered and the pipeline hands failures
 * back to the caller (receivers answer 503, serverless handlers fail the invocation).
 */
public final class Submission {
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicInteger pendingRecords;
    private final AtomicInteger events = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private final AtomicInteger deduped = new AtomicInteger();

    Submission(int records) {
        this.pendingRecords = new AtomicInteger(records);
        if (records == 0) {
            done.complete(null);
        }
    }

    public CompletableFuture<Void> done() {
        return done;
    }

    /** Events accepted for delivery. */
    public int events() {
        return events.get();
    }

    public int errors() {
        return errors.get();
    }

    public int skipped() {
        return skipped.get();
    }

    public int deduped() {
        return deduped.get();
    }

    void counted(int events, int errors, int skipped, int deduped) {
        this.events.addAndGet(events);
        this.errors.addAndGet(errors);
        this.skipped.addAndGet(skipped);
        this.deduped.addAndGet(deduped);
    }

    void recordFinished() {
        if (pendingRecords.decrementAndGet() == 0) {
            done.complete(null);
        }
    }

    void fail(String reason) {
        done.completeExceptionally(new DeliveryFailedException(reason));
    }
}
