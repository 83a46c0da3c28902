package io.auditbridge.core.pipeline;

import io.auditbridge.core.CheckpointStore;
import io.auditbridge.core.ops.PipelineMetrics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit step: what the {@link AckLedger} says is safe, written to the {@link CheckpointStore} when the
 * {@link CommitPolicy} says so (after a batch) and always on drain and close.
 */
final class Committer {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final String source;
    private final CheckpointStore checkpoints;
    private final AckLedger ledger;
    private final CommitPolicy policy;
    private final Clock clock;
    private final PipelineMetrics metrics;
    private volatile Map<String, String> committed = Map.of();
    private long batchesSinceCommit;
    private long lastCommitMillis;

    Committer(String source, CheckpointStore checkpoints, AckLedger ledger, CommitPolicy policy, Clock clock,
              PipelineMetrics metrics) {
        this.source = source;
        this.checkpoints = checkpoints;
        this.ledger = ledger;
        this.policy = policy;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Loads the positions an earlier run committed and seeds the ledger with them. */
    synchronized Map<String, String> load() throws IOException {
        committed = Map.copyOf(checkpoints.load());
        ledger.seed(committed);
        lastCommitMillis = clock.millis();
        return committed;
    }

    /** After a batch (delivery threads): commits when the policy says so. */
    synchronized void batchDone() {
        batchesSinceCommit++;
        if (policy.shouldCommit(batchesSinceCommit, Duration.ofMillis(Math.max(0, clock.millis() - lastCommitMillis)))) {
            commit();
        }
    }

    /** Writes what the ledger allows, if it moved. A failed write is retried by the next commit. */
    synchronized void commit() {
        batchesSinceCommit = 0;
        lastCommitMillis = clock.millis();
        Map<String, String> next = ledger.committable();
        if (next.isEmpty() || next.equals(committed)) {
            return;
        }
        try {
            checkpoints.commit(next);
            committed = next;
            metrics.checkpoint(true);
        } catch (IOException e) {
            // The ledger keeps the positions; the next batch (or close) writes them again.
            metrics.checkpoint(false);
            log.warn("checkpoint write failed source={}: {}", source, e.toString());
        }
    }

    /** The positions last written to the CheckpointStore. */
    Map<String, String> committed() {
        return committed;
    }
}
