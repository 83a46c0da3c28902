package io.auditbridge.aks;

import io.auditbridge.core.cli.HelpGroup;
import picocli.CommandLine.Option;

/** How the cluster_name annotation is chosen ({@link ClusterNaming}). */
@HelpGroup(HelpGroup.Section.SOURCE)
final class ClusterOptions {
    @Option(names = "--cluster", paramLabel = "NAME",
            description = "cluster_name annotation (Falco ka.cluster.name) for every Event; default: the managed cluster's name "
                    + "from each record's resourceId, which Azure writes in UPPER CASE. Env: AUDITBRIDGE_CLUSTER.")
    String cluster;

    @Option(names = "--cluster-lowercase",
            description = "Lower-case the cluster name read from the resourceId (PROD-WEU-1 → prod-weu-1); no effect on --cluster. "
                    + "Env: AUDITBRIDGE_CLUSTER_LOWERCASE.")
    boolean lowercase;

    ClusterNaming naming() {
        return new ClusterNaming(cluster, lowercase);
    }
}
