package io.auditbridge.kubernetes;

import io.auditbridge.core.CheckpointStore;
import io.auditbridge.core.checkpoint.FileCheckpointStore;
import io.auditbridge.core.cli.ConfigException;
import io.auditbridge.core.cli.Durations;
import io.auditbridge.core.cli.HelpGroup;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Where a polling {@code run} keeps committed positions: a file, or a ConfigMap shared by replicas that
 * take turns through a Lease ({@code --leader-election}).
 */
@HelpGroup(HelpGroup.Section.CHECKPOINTS)
public final class CheckpointOptions {
    @Option(names = "--checkpoint-file", paramLabel = "FILE", defaultValue = "auditbridge-checkpoint.json",
            description = "Where committed source positions are kept; replaced atomically (default ${DEFAULT-VALUE}).")
    public Path file;

    @Option(names = "--checkpoint-configmap", paramLabel = "NAME",
            description = "Keep positions in this ConfigMap instead of --checkpoint-file (in-cluster; needs get/create/update on it).")
    public String configMap;

    @Option(names = "--kubernetes-namespace", paramLabel = "NS",
            description = "Namespace of the checkpoint ConfigMap and the Lease (default: the pod's own namespace).")
    public String namespace;

    @Option(names = "--leader-election",
            description = "Run several replicas: only the holder of the Lease polls; a standby takes over from the shared "
                    + "checkpoint. Needs --checkpoint-configmap. Identity from POD_NAME, else HOSTNAME.")
    public boolean leaderElection;

    @Option(names = "--lease-name", paramLabel = "NAME",
            description = "The Lease replicas compete for (default: the checkpoint ConfigMap's name).")
    public String leaseName;

    @Option(names = "--lease-duration", paramLabel = "DURATION", defaultValue = "15s", converter = Durations.class,
            description = "How long a standby waits after the leader's last renewal before taking over (default ${DEFAULT-VALUE}).")
    public Duration leaseDuration;

    @Option(names = "--lease-renew-deadline", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
            description = "The leader stops polling if it could not renew for this long; < --lease-duration (default ${DEFAULT-VALUE}).")
    public Duration renewDeadline;

    @Option(names = "--lease-retry-period", paramLabel = "DURATION", defaultValue = "2s", converter = Durations.class,
            description = "How often the lease is renewed or tried (default ${DEFAULT-VALUE}).")
    public Duration retryPeriod;

    public CheckpointStore store() {
        if (configMap == null || configMap.isBlank()) {
            if (leaderElection) {
                throw new ConfigException("--leader-election", "needs --checkpoint-configmap: the standby must resume from a checkpoint every replica can read");
            }
            return new FileCheckpointStore(file);
        }
        return KubernetesCoordination.fromOptions(this);
    }
}
