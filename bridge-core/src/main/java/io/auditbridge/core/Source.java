package io.auditbridge.core;

import java.util.List;
import java.util.Map;

/**
 * A polling source of provider records (Cloud Logging, CloudWatch Logs). Push sources (HTTP receivers,
 * Event Hubs, serverless handlers) call {@link Pipeline#submit} themselves instead.
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
     * @throws TransientSourceException on throttling, quota or unavailability: the runner backs off and polls again
     */
    List<SourceRecord<T>> poll() throws Exception;

    /** For {@code /readyz}: whether the last fetch worked. Cheap; never blocks. */
    default boolean isReady() {
        return true;
    }

    @Override
    default void close() throws Exception {}
}
