package io.auditbridge.aks;

import java.util.Locale;

/**
 * How the {@code cluster_name} annotation is chosen: a name the operator set wins; otherwise the managed cluster's
 * name read from the record's {@code resourceId}, which Diagnostic Settings write in UPPER CASE
 * ({@code /SUBSCRIPTIONS/…/MANAGEDCLUSTERS/PROD-WEU-1}) whatever the cluster's real casing, optionally lower-cased
 * (AKS names are compared case-insensitively by Azure; most operators write them in lower case).
 *
 * @param configured the operator's {@code --cluster}, or null
 * @param lowercase  lower-case the name derived from the resourceId (never the configured one)
 */
record ClusterNaming(String configured, boolean lowercase) {
    static final ClusterNaming FROM_RESOURCE_ID = new ClusterNaming(null, false);

    ClusterNaming {
        configured = configured == null || configured.isBlank() ? null : configured.strip();
    }

    /** The cluster_name for a record with this resourceId, or null when none is known. */
    String nameFor(String resourceId) {
        if (configured != null) {
            return configured;
        }
        String derived = DiagnosticRecordTranslator.clusterName(resourceId);
        return derived == null || !lowercase ? derived : derived.toLowerCase(Locale.ROOT);
    }
}
