package io.auditbridge.gke;

import io.auditbridge.core.ops.PipelineMetrics;
import io.micrometer.core.instrument.FunctionCounter;

/** The GKE-only metrics that are not counted through the pipeline. */
final class GkeMetrics {
    private GkeMetrics() {}

    static void register(PipelineMetrics metrics, LogEntryTranslator translator) {
        FunctionCounter.builder("auditbridge.gke.resource_names.unparsed", translator, LogEntryTranslator::unparsedResourceNames)
                .tag("source", "gke")
                .description("Entries whose resourceName could not be parsed (events sent without objectRef)")
                .register(metrics.registry());
        FunctionCounter.builder("auditbridge.gke.requests.non_resource", translator, LogEntryTranslator::nonResourceRequests)
                .tag("source", "gke")
                .description("Entries of non-resource requests (/readyz, /version, discovery…): events without objectRef, as kube-apiserver writes them")
                .register(metrics.registry());
    }
}
