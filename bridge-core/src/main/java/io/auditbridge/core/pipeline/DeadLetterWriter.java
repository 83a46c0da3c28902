package io.auditbridge.core.pipeline;

import io.auditbridge.core.Event;
import io.auditbridge.core.RecordError;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.sink.DeadLetters;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes dead letters, retrying with backoff: a dead-lettered item counts as done, so the write must have
 * happened. Pollers retry until it is written or the pipeline stops, with {@code /readyz} naming the fault;
 * push callers (receivers, serverless) retry within their budget, then the record fails and they answer 503.
 */
final class DeadLetterWriter {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final String source;
    private final DeadLetters deadLetters;
    private final PipelineMetrics metrics;
    private final Backoff.Waits waits;
    private final boolean unlimited;
    /** Why dead letters cannot be written right now (for /readyz), or null. */
    private volatile String problem;

    /** @param unlimited retry until written or stopped (pollers), not within the retry budget (push callers) */
    DeadLetterWriter(String source, DeadLetters deadLetters, PipelineMetrics metrics, Backoff.Waits waits, boolean unlimited) {
        this.source = source;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.waits = waits;
        this.unlimited = unlimited;
    }

    /** Writes {@code e} with {@code reason}; false if the write did not happen (stopping, or the budget ran out). */
    boolean event(Event e, String reason) throws InterruptedException {
        return untilWritten(() -> deadLetters.event(e, reason));
    }

    /** Writes the input of a record that failed with {@code err}; false if the write did not happen. */
    boolean record(SourceRecord<?> record, RecordError err) throws InterruptedException {
        return untilWritten(() -> deadLetters.record(source, record.id(), err.code() + ": " + err.detail(), err.deadLetter()));
    }

    /** Why dead letters cannot be written right now, or null. */
    String problem() {
        return problem;
    }

    /** The reason a record fails when its dead letter was not written. */
    String failureReason() {
        String p = problem;
        return "dead-letter write failed: " + (p != null ? p : "stopping");
    }

    private interface Write {
        void run() throws IOException;
    }

    private boolean untilWritten(Write write) throws InterruptedException {
        Backoff b = waits.start();
        while (true) {
            try {
                write.run();
                if (problem != null) {
                    log.info("dead-letter writes work again source={}", source);
                    problem = null;
                }
                return true;
            } catch (IOException io) {
                metrics.counter("auditbridge.dead_letter.write_failures", "Dead-letter writes that failed and were retried").increment();
                problem = "dead-letter write failing: " + io.getMessage();
                if (waits.stopped() || !b.await(problem, null, unlimited) || waits.stopped()) {
                    return false;
                }
            }
        }
    }
}
