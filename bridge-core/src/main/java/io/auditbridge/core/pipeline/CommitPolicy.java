package io.auditbridge.core.pipeline;

import java.time.Duration;
import java.util.Objects;

/**
 * When to write acknowledged positions to the CheckpointStore: a pure decision from the acknowledged batches
 * since the last commit and the time since it (Debezium's OffsetCommitPolicy). Draining and stopping always
 * commit. The default, {@link #always()}, writes after every batch (one ConfigMap write per batch); a ConfigMap
 * or Blob store may prefer {@code every(Duration.ofSeconds(5)).or(every(100))}.
 */
@FunctionalInterface
public interface CommitPolicy {
    boolean shouldCommit(long batchesSinceCommit, Duration sinceCommit);

    static CommitPolicy always() {
        return (batches, since) -> true;
    }

    /** After at least {@code batches} acknowledged batches. */
    static CommitPolicy every(long batches) {
        if (batches < 1) {
            throw new IllegalArgumentException("commit every n batches must be >= 1: " + batches);
        }
        return (n, since) -> n >= batches;
    }

    /** Once {@code interval} passed since the last commit. */
    static CommitPolicy every(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        return (n, since) -> since.compareTo(interval) >= 0;
    }

    default CommitPolicy or(CommitPolicy other) {
        return (n, since) -> shouldCommit(n, since) || other.shouldCommit(n, since);
    }
}
