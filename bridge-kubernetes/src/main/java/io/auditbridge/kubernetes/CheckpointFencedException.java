package io.auditbridge.kubernetes;

import java.io.IOException;

/**
 * A commit refused because another writer claimed the shared checkpoint after this one did (a newer
 * leader). This replica's positions are not written; the pipeline keeps them and the newer writer's stand.
 */
public final class CheckpointFencedException extends IOException {
    public CheckpointFencedException(String message) {
        super(message);
    }
}
