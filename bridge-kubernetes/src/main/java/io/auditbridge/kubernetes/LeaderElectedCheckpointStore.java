package io.auditbridge.kubernetes;

import io.auditbridge.core.CheckpointStore;
import io.auditbridge.core.Leadership;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * The shared checkpoint of replicas that take turns through a Lease: {@code BridgeRuntime.runPolling} sees
 * this type and polls only while {@link #leadership()} holds the lease. Reads and writes go to the
 * ConfigMap store, whose epoch fencing keeps a replica that lost the lease from overwriting its successor.
 */
public final class LeaderElectedCheckpointStore implements CheckpointStore, Leadership.Elected {
    private final ConfigMapCheckpointStore checkpoints;
    private final LeaseLeadership leadership;
    private final KubernetesClient client;

    /** @param client closed with this store; null when the caller owns it */
    public LeaderElectedCheckpointStore(ConfigMapCheckpointStore checkpoints, LeaseLeadership leadership, KubernetesClient client) {
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
        this.leadership = Objects.requireNonNull(leadership, "leadership");
        this.client = client;
    }

    @Override
    public LeaseLeadership leadership() {
        return leadership;
    }

    public ConfigMapCheckpointStore checkpoints() {
        return checkpoints;
    }

    @Override
    public Map<String, String> load() throws IOException {
        return checkpoints.load();
    }

    @Override
    public void commit(Map<String, String> positions) throws IOException {
        checkpoints.commit(positions);
    }

    /** Releases the lease (after the pipeline's last commit, which closes us) and closes the client. */
    @Override
    public void close() {
        try {
            leadership.close();
            checkpoints.close();
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }
}
