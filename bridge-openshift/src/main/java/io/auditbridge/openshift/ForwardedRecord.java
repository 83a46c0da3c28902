package io.auditbridge.openshift;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One record of a ClusterLogForwarder http POST, as Vector wrote it, with what the request said about the
 * cluster it came from.
 *
 * @param json        the record (a collector envelope around an audit Event, or an auditd/OVN/other record)
 * @param clusterName the cluster name for {@code annotations.cluster_name}, or null when none is known
 */
public record ForwardedRecord(JsonNode json, String clusterName) {
    public ForwardedRecord {
        Objects.requireNonNull(json, "json");
    }
}
