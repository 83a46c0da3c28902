package io.auditbridge.core.testing;

import io.auditbridge.core.CheckpointStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Positions in memory, with the history of commits, for tests to read back. */
public final class MemoryCheckpointStore implements CheckpointStore {
    private final List<Map<String, String>> history = new ArrayList<>();

    public MemoryCheckpointStore() {}

    public MemoryCheckpointStore(Map<String, String> initial) {
        history.add(Map.copyOf(initial));
    }

    @Override
    public synchronized Map<String, String> load() {
        return history.isEmpty() ? Map.of() : history.getLast();
    }

    @Override
    public synchronized void commit(Map<String, String> positions) {
        history.add(Map.copyOf(positions));
    }

    public synchronized List<Map<String, String>> history() {
        return List.copyOf(history);
    }
}
