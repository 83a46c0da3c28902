package io.auditbridge.kubernetes;

import io.auditbridge.core.CheckpointStore;
import io.auditbridge.core.cli.ConfigException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Function;

/** Builds the in-cluster checkpoint store (and Lease leadership) that {@link CheckpointOptions} asks for. */
public final class KubernetesCoordination {
    private KubernetesCoordination() {}

    /** The client comes from the pod's service account (or ~/.kube/config outside a cluster). */
    public static CheckpointStore fromOptions(CheckpointOptions o) {
        KubernetesClient client = new KubernetesClientBuilder().build();
        try {
            return create(client, o, System::getenv);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** The store for {@code o} on {@code client}, which the returned store closes. */
    public static CheckpointStore create(KubernetesClient client, CheckpointOptions o, Function<String, String> env) {
        String namespace = o.namespace != null && !o.namespace.isBlank() ? o.namespace.trim() : client.getNamespace();
        if (namespace == null || namespace.isBlank()) {
            throw new ConfigException("--kubernetes-namespace", "required outside a pod (no service-account namespace found)");
        }
        String identity = identity(env);
        if (!o.leaderElection) {
            return new ConfigMapCheckpointStore(client, namespace, o.configMap.trim(), identity, true);
        }
        LeaseLeadership.Timings timings;
        try {
            timings = new LeaseLeadership.Timings(o.leaseDuration, o.renewDeadline, o.retryPeriod);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--lease-renew-deadline", e.getMessage());
        }
        String lease = o.leaseName != null && !o.leaseName.isBlank() ? o.leaseName.trim() : o.configMap.trim();
        return new LeaderElectedCheckpointStore(
                new ConfigMapCheckpointStore(client, namespace, o.configMap.trim(), identity, false),
                new LeaseLeadership(client, namespace, lease, identity, timings), client);
    }

    /** Who this replica is in the Lease and the ConfigMap: POD_NAME (downward API), else HOSTNAME, else the host name. */
    static String identity(Function<String, String> env) {
        for (String var : new String[] {"POD_NAME", "HOSTNAME"}) {
            String v = env.apply(var);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new ConfigException("--leader-election", "no identity: set POD_NAME (downward API) or HOSTNAME");
        }
    }
}
