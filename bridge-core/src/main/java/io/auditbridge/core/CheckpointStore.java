package io.auditbridge.core;

import java.io.IOException;
import java.util.Map;

/**
 * Where a bridge keeps its committed source positions (partition → position), so a restart resumes after
 * the last acknowledged record. The pipeline writes; a Source reads once, at start.
 */
public interface CheckpointStore extends AutoCloseable {
    /** The committed positions; empty when nothing was ever committed. */
    Map<String, String> load() throws IOException;

    /**
     * Stores {@code positions} (the complete map, not a delta) so that a crash at any moment leaves either
     * the previous or the new map. Throws when it could not: the pipeline keeps the positions and tries again.
     */
    void commit(Map<String, String> positions) throws IOException;

    @Override
    default void close() throws IOException {}

    /** For sources whose commit is something else (an HTTP 2xx, a serverless invocation's success). */
    CheckpointStore NONE = new CheckpointStore() {
        @Override
        public Map<String, String> load() {
            return Map.of();
        }

        @Override
        public void commit(Map<String, String> positions) {}
    };
}
