package io.auditbridge.core.pipeline;

import io.auditbridge.core.Source;
import io.auditbridge.core.SourceNotReadyException;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.TransientSourceException;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a polling {@link Source} into a {@link Pipeline}: start from the committed positions, poll, submit,
 * wait when there is nothing new, and stop when the source is exhausted (backfill) or {@link #stop()} is
 * called. It applies the failure contract of {@link Source#poll()} the same way for every source: transient
 * failures back off and poll again; "not ready" ones ({@link SourceNotReadyException}) keep polling with the
 * same backoff, are logged as errors and report why through {@link #notReadyReason()}; anything else ends the run.
 */
public final class SourceRunner<T> {
    private static final Logger log = LoggerFactory.getLogger(SourceRunner.class);

    private final Source<T> source;
    private final Pipeline<T> pipeline;
    private final Duration pollInterval;
    private final RetryPolicy transientBackoff;
    private final Sleeper sleeper;
    private final Clock clock;
    private volatile boolean stopping;
    private volatile boolean exhausted;
    private volatile String notReady;

    public SourceRunner(Source<T> source, Pipeline<T> pipeline, Duration pollInterval, RetryPolicy transientBackoff,
                        Sleeper sleeper, Clock clock) {
        this.source = source;
        this.pipeline = pipeline;
        this.pollInterval = pollInterval;
        this.transientBackoff = transientBackoff;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    /**
     * Runs until the source is exhausted or stopped. On the way out it waits (up to {@code drainTimeout}) for
     * what was submitted to be delivered and committed. Returns true when everything submitted was delivered.
     */
    public boolean run(Duration drainTimeout) throws Exception {
        Map<String, String> committed = pipeline.start();
        source.start(committed);
        RetryPolicy.Backoff backoff = null;
        var transientErrors = pipeline.metrics().counter("auditbridge.source.transient_errors",
                "Fetches that failed transiently (throttling, quota, unavailable) and were retried");
        while (!stopping) {
            List<SourceRecord<T>> records;
            try {
                records = source.poll();
                backoff = null;
                notReady = null;
            } catch (TransientSourceException e) {
                transientErrors.increment();
                boolean needsPerson = e instanceof SourceNotReadyException;
                notReady = (needsPerson ? "" : "fetch failing: ") + e.getMessage();
                if (backoff == null) {
                    backoff = transientBackoff.start(clock.millis());
                }
                Duration wait = backoff.next(clock.millis(), e.retryAfter());
                if (wait == null) {
                    wait = pollInterval;
                }
                if (needsPerson) {
                    log.error("source not ready, polling again in {} ms: {}", wait.toMillis(), e.getMessage());
                } else {
                    log.warn("fetch failed, retrying in {} ms: {}", wait.toMillis(), e.getMessage());
                }
                if (!sleeper.sleep(wait)) {
                    break;
                }
                continue;
            }
            if (records == null) {
                exhausted = true;
                log.info("source exhausted");
                break;
            }
            if (records.isEmpty()) {
                if (!sleeper.sleep(pollInterval)) {
                    break;
                }
                continue;
            }
            pipeline.submit(records);
        }
        return pipeline.drain(drainTimeout);
    }

    /** Whether {@link #run} ended because the source reached its end (a backfill), not because it was stopped. */
    public boolean exhausted() {
        return exhausted;
    }

    /** Why the source is not ready ({@code /readyz}): the last poll failed, with its message; null once a poll worked. */
    public String notReadyReason() {
        return notReady;
    }

    /** Asks {@link #run} to return after its current step; the caller's sleeper should wake too. */
    public void stop() {
        stopping = true;
    }
}
