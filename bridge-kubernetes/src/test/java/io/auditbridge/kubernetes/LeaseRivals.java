package io.auditbridge.kubernetes;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.ZonedDateTime;

/** What the leader-election tests do to a Lease from outside the replicas: read its holder, take it as another elector. */
final class LeaseRivals {
    private LeaseRivals() {}

    /** The Lease's holder identity, or null when there is no such Lease. */
    static String holder(KubernetesClient client, String namespace, String name) {
        Lease lease = client.resources(Lease.class).inNamespace(namespace).withName(name).get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    /**
     * Writes the Lease as held by {@code holder} for {@code duration}, renewed now, as another elector would. A
     * conflict (the replica renewed in between) is left to the caller, which tries again.
     */
    static void take(KubernetesClient client, String namespace, String name, String holder, Duration duration) {
        Lease current = client.resources(Lease.class).inNamespace(namespace).withName(name).get();
        ZonedDateTime now = ZonedDateTime.now();
        try {
            client.resource(new LeaseBuilder(current).editSpec()
                    .withHolderIdentity(holder).withLeaseDurationSeconds((int) duration.toSeconds())
                    .withAcquireTime(now).withRenewTime(now)
                    .endSpec().build()).update();
        } catch (KubernetesClientException conflict) {
            // the leader renewed in between; the caller tries again
        }
    }
}
