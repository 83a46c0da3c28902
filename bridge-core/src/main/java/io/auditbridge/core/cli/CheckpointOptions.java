package io.auditbridge.core.cli;

import io.auditbridge.core.CheckpointStore;
import io.auditbridge.core.checkpoint.FileCheckpointStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The checkpoint file of a polling {@code run}. */
public final class CheckpointOptions {
    @Option(names = "--checkpoint-file", paramLabel = "FILE", defaultValue = "auditbridge-checkpoint.json",
            description = "Where committed source positions are kept; replaced atomically (default ${DEFAULT-VALUE}).")
    public Path file;

    public CheckpointStore store() {
        return new FileCheckpointStore(file);
    }
}
