package io.auditbridge.core;

import java.util.List;
import java.util.Map;

/**
 * A polling source of provider records (Cloud Logging, CloudWatch Logs). Push sources (HTTP receivers,
 * Event Hubs, serverless handlers) call {@link io.auditbridge.core.pipeline.Pipeline#submit} themselves instead.
 *
 * <p>All methods are called from one thread, the runner's. See {@code io.auditbridge.core.pipeline.SourceRunner}.
 */
public interface Source<T> extends AutoCloseable {
    /**
     * Called once before the first poll with the positions committed by an earlier run (partition → position,
     * empty on a first start). The source resumes just after them.
     */
    void start(Map<String, String> committed) throws Exception;

    /**
     * The next records, in order. May block for a bounded time. Returns an empty list when nothing is
     * available now (the runner waits its poll interval), or null when the source is exhausted (a backfill
     * reached its end).
     *
     * <p>Failures say what they are, and the runner treats each kind the same way for every source:
     * <ul>
     *   <li>{@link TransientSourceException}: passes by itself (throttling, quota, 5xx, network). The runner
     *       backs off (honouring {@code retryAfter}) and polls again; {@code /readyz} is false until a poll works.</li>
     *   <li>{@link SourceNotReadyException}: needs a person (permission denied, the log group or project not
     *       found). The runner keeps polling with its backoff (logged as an error), {@code /readyz} answers 503 with the message,
     *       and the process never exits on it.</li>
     *   <li>anything else is fatal: the run drains what was fetched and ends; a
     *       {@link io.auditbridge.core.cli.ConfigException} (a filter the provider refuses) exits 2 naming the
     *       option, any other exception exits 1.</li>
     * </ul>
     * A poll that throws must not lose records: the next poll asks for the same page again.
     */
    List<SourceRecord<T>> poll() throws Exception;

    /** For {@code /readyz}: whether the last fetch worked. Cheap; never blocks. */
    default boolean isReady() {
        return true;
    }

    /** Releases the source's clients. Throws nothing checked: a runner stopping has nothing to do about it. */
    @Override
    default void close() {}
}
